import { describe, expect, it } from 'vitest';
import { SendDeferredError, SendRejectedError } from '../../../shared/app/errors.js';
import { RecipientOptedOutError, suppressOptedOut } from '../../../shared/app/feedback/index.js';
import type { Logger, OutgoingSms, SmsSender } from '../../../shared/app/ports.js';
import { FakeClock, silentLogger } from '../../support/fakes.js';
import { MemorySuppressionList } from './fakes.js';

const sms: OutgoingSms = {
  messageId: 'i-1.remind.1',
  to: '+4915112345678',
  text: 'Hi',
  category: 'marketing',
};

const failingWith = (error: Error): SmsSender => ({
  send: async () => {
    throw error;
  },
});

const setup = (
  sender: SmsSender,
  suppressions = new MemorySuppressionList(),
  logger: Logger = silentLogger,
) => ({
  suppressions,
  sender: suppressOptedOut(sender, {
    suppressions,
    clock: new FakeClock('2026-11-03T10:00:00.000Z'),
    logger,
  }),
});

describe('SMS opt-outs reported by the provider', () => {
  it('suppresses the number and still reports the opt-out to the caller', async () => {
    const { sender, suppressions } = setup(failingWith(new RecipientOptedOutError('sms', 'opted out')));
    await expect(sender.send(sms)).rejects.toBeInstanceOf(RecipientOptedOutError);
    expect(await suppressions.reasonFor('sms', '+4915112345678')).toBe('opted-out');
  });

  it('is a rejection: the message is logged as failed, never retried', async () => {
    const { sender } = setup(failingWith(new RecipientOptedOutError('sms', 'opted out')));
    await expect(sender.send(sms)).rejects.toBeInstanceOf(SendRejectedError);
  });

  it.each([
    ['a rejection', new SendRejectedError('bad number')],
    ['a deferral', new SendDeferredError('throttled')],
    ['an unknown outcome', new Error('socket hang up')],
  ])('passes %s through without suppressing', async (_name, error) => {
    const { sender, suppressions } = setup(failingWith(error));
    await expect(sender.send(sms)).rejects.toBe(error);
    expect(suppressions.calls).toEqual([]);
  });

  it('passes a successful send through', async () => {
    const { sender, suppressions } = setup({ send: async () => ({ providerMessageId: 'sns-1' }) });
    expect(await sender.send(sms)).toEqual({ providerMessageId: 'sns-1' });
    expect(suppressions.calls).toEqual([]);
  });

  it('logs a failed suppression and still reports the opt-out', async () => {
    const suppressions = new MemorySuppressionList();
    suppressions.suppress = async () => {
      throw new Error('throttled');
    };
    const errors: string[] = [];
    const logger: Logger = { ...silentLogger, error: (message) => errors.push(message) };
    const { sender } = setup(
      failingWith(new RecipientOptedOutError('sms', 'opted out')),
      suppressions,
      logger,
    );
    await expect(sender.send(sms)).rejects.toBeInstanceOf(RecipientOptedOutError);
    expect(errors).toEqual(['could not suppress an opted-out phone number']);
  });
});
