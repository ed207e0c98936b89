/** What the interpreter asks the outside world to do. It never does any of it itself. */
export type Effect =
  | {
      type: 'sendEmail';
      /** Deterministic: the same instance, step and visit always give the same id. */
      messageId: string;
      journeyId: string;
      instanceId: string;
      stepId: string;
      template: string;
      survey?: { kind: 'nps' | 'csat' };
    }
  | {
      type: 'scheduleWake';
      instanceId: string;
      /** The instance version the wake-up is for; an older version means the wake is stale. */
      version: number;
      at: string;
    }
  | {
      type: 'emitEvent';
      /** Deterministic id, usable by consumers to drop duplicates. */
      eventId: string;
      detailType: string;
      detail: Record<string, unknown>;
    };

export type EffectType = Effect['type'];
