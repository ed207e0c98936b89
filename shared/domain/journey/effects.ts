/** What the interpreter asks the outside world to do. It never does any of it itself. */

interface SendFields {
  /** Deterministic: the same instance, step and visit always give the same id, whatever the channel. */
  messageId: string;
  journeyId: string;
  instanceId: string;
  stepId: string;
  template: string;
  /** The journey's category: marketing is opt-in, capped and unsubscribable; care is not. */
  category: 'care' | 'marketing';
}

export type SendEmailEffect = SendFields & {
  type: 'sendEmail';
  survey?: { kind: 'nps' | 'csat' };
  /** Send as SMS when email is not possible. */
  fallback?: 'sms';
};

export type SendSmsEffect = SendFields & {
  type: 'sendSms';
  /** Send as email when SMS is not possible. */
  fallback?: 'email';
};

export type SendEffect = SendEmailEffect | SendSmsEffect;

/**
 * What became of a send, as a send step with `onSkipped` learns it: `skipped` by a guard (after
 * the fallback channel, if any) or `failed` (the provider refused it) did not go out; `unknown`
 * (the provider's answer was lost, or an earlier attempt handled the message) may have.
 */
export type SendResult = 'sent' | 'skipped' | 'failed' | 'unknown';

/** Whether the customer did not get the message: the send step's `onSkipped` is taken. */
export const notSent = (result: SendResult): boolean => result === 'skipped' || result === 'failed';

export type Effect =
  | SendEmailEffect
  | SendSmsEffect
  | {
      type: 'scheduleWake';
      instanceId: string;
      /** The instance version the wake-up is for; an older version means the wake is stale. */
      version: number;
      at: string;
    }
  | {
      /** The wake-up scheduled for `version` is no longer needed (the instance moved on by an event). */
      type: 'cancelWake';
      instanceId: string;
      version: number;
    }
  | {
      type: 'emitEvent';
      /** Deterministic id, usable by consumers to drop duplicates. */
      eventId: string;
      detailType: string;
      detail: Record<string, unknown>;
    }
  | {
      /** Set these attributes on the customer's profile (`profile.attributes`). */
      type: 'updateProfile';
      attributes: Record<string, unknown>;
    }
  | {
      /** A `waitForEvent` step with a service level reached its timeout: count the breach. */
      type: 'slaBreached';
      stepId: string;
      priority: string;
    };

export type EffectType = Effect['type'];
