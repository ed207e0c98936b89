import type { Clock, Logger, SmsSender, SuppressionList } from '../ports.js';
import { RecipientOptedOutError } from './errors.js';

export const OPTED_OUT_REASON = 'opted-out';

/**
 * An SmsSender that puts a number on careflow's suppression list when the provider reports it
 * opted out, so the guards skip it from then on without asking the provider again. The
 * opt-out error still reaches the caller (the message is logged as failed). A failure to record
 * the suppression is logged and does not hide the opt-out: the next send reports it again.
 */
export const suppressOptedOut = (
  sender: SmsSender,
  deps: { suppressions: SuppressionList; clock: Clock; logger: Logger },
): SmsSender => ({
  async send(sms) {
    try {
      return await sender.send(sms);
    } catch (error) {
      if (error instanceof RecipientOptedOutError) {
        try {
          await deps.suppressions.suppress({
            channel: 'sms',
            address: sms.to,
            reason: OPTED_OUT_REASON,
            at: deps.clock.now(),
          });
        } catch (suppressError) {
          deps.logger.error('could not suppress an opted-out phone number', {
            messageId: sms.messageId,
            error: suppressError instanceof Error ? suppressError.name : String(suppressError),
          });
        }
      }
      throw error;
    }
  },
});
