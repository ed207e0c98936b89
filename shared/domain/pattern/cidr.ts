import type { CidrBlock } from './types.js';

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

const parseIpv4 = (text: string): Uint8Array | undefined => {
  const m = IPV4.exec(text);
  if (!m) return undefined;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const n = Number(m[i + 1]);
    if (n > 255) return undefined;
    bytes[i] = n;
  }
  return bytes;
};

const parseGroups = (part: string): number[] | undefined => {
  if (part === '') return [];
  const groups: number[] = [];
  const pieces = part.split(':');
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i] ?? '';
    if (i === pieces.length - 1 && piece.includes('.')) {
      const v4 = parseIpv4(piece);
      if (!v4) return undefined;
      groups.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
    } else if (HEX_GROUP.test(piece)) {
      groups.push(Number.parseInt(piece, 16));
    } else {
      return undefined;
    }
  }
  return groups;
};

const parseIpv6 = (text: string): Uint8Array | undefined => {
  if (!text.includes(':')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0] ?? '');
  const tail = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  return bytes;
};

/** The bytes of an IPv4 (4 bytes) or IPv6 (16 bytes) address, or undefined when `text` is neither. */
export const parseIp = (text: string): Uint8Array | undefined => parseIpv4(text) ?? parseIpv6(text);

export type CidrParse = { ok: true; block: CidrBlock } | { ok: false; message: string };

/**
 * Read a block such as `10.0.0.0/24` or `2001:db8::/32`. Like EventBridge, the mask must be
 * below the address size (at most /31 for IPv4, /127 for IPv6).
 */
export const parseCidr = (text: string): CidrParse => {
  const slash = text.split('/');
  if (slash.length !== 2) return { ok: false, message: `"${text}" is not a CIDR block such as 10.0.0.0/24` };
  const address = parseIp(slash[0] ?? '');
  if (!address) return { ok: false, message: `"${slash[0]}" is not an IPv4 or IPv6 address` };
  const bitsText = slash[1] ?? '';
  const bits = /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : Number.NaN;
  const maxBits = address.length * 8 - 1;
  if (!(bits >= 0 && bits <= maxBits)) {
    return { ok: false, message: `mask "/${bitsText}" must be a whole number from 0 to ${maxBits}` };
  }
  return { ok: true, block: { address, bits } };
};

/** Whether the string `value` is an address of the same family inside the block. */
export const cidrContains = (block: CidrBlock, value: string): boolean => {
  const ip = parseIp(value);
  if (!ip || ip.length !== block.address.length) return false;
  const whole = block.bits >> 3;
  for (let i = 0; i < whole; i++) if (ip[i] !== block.address[i]) return false;
  const rest = block.bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((ip[whole] ?? 0) & mask) === ((block.address[whole] ?? 0) & mask);
};
