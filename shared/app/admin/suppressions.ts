import { NotFoundError } from '../../domain/errors.js';
import { normaliseAddress } from '../../domain/guards/send.js';
import * as z from '../../domain/zod.js';
import type { AdminApiDeps } from '../deps.js';
import type { Channel } from '../ports.js';
import { parseInput } from './render-context.js';

type Deps = Pick<AdminApiDeps, 'suppressions' | 'clock' | 'logger'>;

/** An address on one channel, as the path names it: an email address or an E.164 phone number. */
const Address = z.discriminatedUnion('channel', [
  z.object({ channel: z.literal('email'), address: z.email() }),
  z.object({
    channel: z.literal('sms'),
    address: z
      .string()
      .check(z.regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +4915112345678')),
  }),
]);

const SuppressInput = z.object({
  /** Why, for whoever reads the list later: e.g. "asked by phone, ticket 4711". */
  reason: z._default(z.string().check(z.trim(), z.minLength(1), z.maxLength(200)), 'manual'),
});

export interface SuppressionView {
  channel: Channel;
  address: string;
  suppressed: boolean;
  /** Why it is suppressed (`bounce`, `complaint`, `opted-out`, `erased`, or an operator's reason). */
  reason: string | null;
}

const addressOf = (channel: string, address: string) => {
  const parsed = parseInput(Address, { channel, address }, 'address');
  return { channel: parsed.channel, address: normaliseAddress(parsed.address) };
};

/** `GET /suppressions/{channel}/{address}`: whether careflow will contact the address, and why not. */
export const getSuppression = async (
  deps: Deps,
  channel: string,
  address: string,
): Promise<SuppressionView> => {
  const target = addressOf(channel, address);
  const reason = await deps.suppressions.reasonFor(target.channel, target.address);
  return { ...target, suppressed: reason !== null, reason };
};

/**
 * `PUT /suppressions/{channel}/{address}`: suppress an address by hand (a customer who asked on the
 * phone, an address known to be wrong). Every customer who has it stops getting messages on it,
 * care messages included, as after a hard bounce. Repeating it records the latest reason.
 */
export const suppressAddress = async (
  deps: Deps,
  channel: string,
  address: string,
  input: unknown,
): Promise<SuppressionView> => {
  const target = addressOf(channel, address);
  const { reason } = parseInput(SuppressInput, input ?? {}, 'suppression');
  await deps.suppressions.suppress({ ...target, reason, at: deps.clock.now() });
  deps.logger.info('address suppressed by an operator', { channel: target.channel });
  return { ...target, suppressed: true, reason };
};

/**
 * `DELETE /suppressions/{channel}/{address}`: lift a suppression, whatever set it (an operator who
 * checked a bounced mailbox is fixed, a customer who signed up again after erasure). Customers who
 * have the address are sent to again from their next message. NotFound when it is not suppressed.
 */
export const liftSuppression = async (
  deps: Deps,
  channel: string,
  address: string,
): Promise<SuppressionView> => {
  const target = addressOf(channel, address);
  if (!(await deps.suppressions.lift(target.channel, target.address, deps.clock.now()))) {
    throw new NotFoundError(`The ${target.channel} address is not suppressed.`);
  }
  deps.logger.info('suppression lifted by an operator', { channel: target.channel });
  return { ...target, suppressed: false, reason: null };
};
