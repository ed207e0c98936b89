import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../shared/adapters/clock.js';
import { createLogger, isSensitiveKey, REDACTED, redact, scrubText } from '../../shared/adapters/logger.js';

/** Capture what the Powertools logger writes (it writes JSON lines to process.stdout/stderr). */
const captureOutput = () => {
  const lines: string[] = [];
  const capture = (chunk: unknown) => {
    lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  return {
    text: () => lines.join(''),
    records: () =>
      lines
        .join('')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
};

beforeEach(() => {
  vi.stubEnv('POWERTOOLS_DEV', '');
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('redact', () => {
  it('masks values under personal keys at any depth, and keeps the rest', () => {
    const result = redact({
      messageId: 'inst-1.invite.1',
      email: 'alice@example.com',
      profile: { name: 'Alice Doe', customerEmail: 'a@b.example', tier: 'vip', phone: '+49 151 2345678' },
      message: { to: 'alice@example.com', html: '<p>Hi Alice</p>', text: 'Hi Alice', body: 'Hi' },
      answers: [{ comment: 'The courier was rude', score: 3 }],
      attempts: 2,
      empty: null,
    });

    expect(result).toEqual({
      messageId: 'inst-1.invite.1',
      email: REDACTED,
      profile: { name: REDACTED, customerEmail: REDACTED, tier: 'vip', phone: REDACTED },
      message: { to: REDACTED, html: REDACTED, text: REDACTED, body: REDACTED },
      answers: [{ comment: REDACTED, score: 3 }],
      attempts: 2,
      empty: null,
    });
  });

  it('masks e-mail addresses and phone numbers inside other strings', () => {
    expect(redact({ reason: 'Email address is not verified: alice@example.com' })).toEqual({
      reason: 'Email address is not verified: [email]',
    });
    expect(scrubText('call +49 151 2345678 or +1 (555) 010-9999')).toBe('call [phone] or [phone]');
    expect(scrubText('2026-11-05T10:00:00.000Z inst-1.invite.1 v3')).toBe(
      '2026-11-05T10:00:00.000Z inst-1.invite.1 v3',
    );
  });

  it('does not loop on circular structures and does not change its input', () => {
    const input: Record<string, unknown> = { email: 'a@b.example' };
    input.self = input;

    const result = redact(input);

    expect(result).toEqual({ email: REDACTED, self: '[circular]' });
    expect(input.email).toBe('a@b.example');
  });

  it('recognises personal keys regardless of case and separators', () => {
    for (const key of ['Email', 'e-mail', 'phone_number', 'firstName', 'LAST_NAME', 'recipientEmail', 'To']) {
      expect(isSensitiveKey(key)).toBe(true);
    }
    for (const key of ['customerId', 'messageId', 'journeyId', 'status', 'reason', 'tier']) {
      expect(isSensitiveKey(key)).toBe(false);
    }
  });
});

describe('createLogger', () => {
  it('writes one compact JSON line: level, message, then the extra keys', () => {
    const output = captureOutput();
    const logger = createLogger({ serviceName: 'careflow-test', level: 'debug' });

    logger.info('email sent', { messageId: 'm-1', status: 'sent' });

    // CloudWatch stamps every log event and keeps one log group per function: no timestamp,
    // service, sampling rate or function fields on the line.
    expect(output.text()).toBe('{"level":"INFO","message":"email sent","messageId":"m-1","status":"sent"}\n');
  });

  it('keeps the X-Ray trace id only when the invocation is traced', () => {
    const output = captureOutput();
    const logger = createLogger({ level: 'info' });
    const root = '1-5759e988-bd862e3fe1be46a994272793';

    vi.stubEnv('_X_AMZN_TRACE_ID', `Root=${root};Parent=557abcec3ee5a047;Sampled=0`);
    logger.info('not traced');
    vi.stubEnv('_X_AMZN_TRACE_ID', `Root=${root};Parent=557abcec3ee5a047;Sampled=1`);
    logger.info('traced');

    const [untraced, traced] = output.records();
    expect(untraced).not.toHaveProperty('xray_trace_id');
    expect(traced).toMatchObject({ message: 'traced', xray_trace_id: root });
  });

  it('never writes an e-mail address, a phone number or a message body', () => {
    const output = captureOutput();
    const logger = createLogger({
      level: 'DEBUG',
      persistentKeys: { stage: 'test', operatorEmail: 'ops@shop.example' },
    });

    logger.info('email sent to alice@example.com', {
      to: 'alice@example.com',
      profile: { email: 'alice@example.com', phone: '+4915123456789', name: 'Alice' },
      html: '<p>Your secret code is 1234</p>',
      reason: 'Rejected: alice@example.com',
    });
    logger.error('send failed', { error: new Error('Email address is not verified: alice@example.com') });
    logger.warn('sms', { detail: { note: 'reach me on +49 151 2345678' } });

    const text = output.text();
    expect(output.records()).toHaveLength(3);
    expect(text).not.toContain('alice@example.com');
    expect(text).not.toContain('ops@shop.example');
    expect(text).not.toContain('4915123456789');
    expect(text).not.toContain('151 2345678');
    expect(text).not.toContain('secret code');
    expect(text).not.toContain('Alice');
    expect(text).toContain('send failed');
    expect(text).toContain('Email address is not verified: [email]');
  });

  it('respects the level', () => {
    const output = captureOutput();
    const logger = createLogger({ level: 'warn' });

    logger.debug('hidden');
    logger.info('hidden too');
    logger.warn('shown');

    expect(output.records().map((r) => r.message)).toEqual(['shown']);
  });

  it('refuses an unknown level', () => {
    expect(() => createLogger({ level: 'loud' })).toThrow(/unknown log level/);
  });
});

describe('systemClock', () => {
  it('tells the current time as ISO 8601', () => {
    const before = Date.now();
    const now = systemClock.now();
    expect(now).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(Date.parse(now)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(now)).toBeLessThanOrEqual(Date.now());
  });
});
