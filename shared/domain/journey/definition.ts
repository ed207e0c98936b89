import { z } from 'zod';
import { Duration } from '../time/duration.js';

/** An EventBridge event pattern; checked in depth by the journey validator. */
export const Pattern = z.record(z.string(), z.unknown());

const StepId = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'must be a step id such as "invite"');

export const WaitStep = z.object({
  type: z.literal('wait'),
  duration: Duration,
  next: StepId,
});

export const SendEmailStep = z.object({
  type: z.literal('sendEmail'),
  template: z.string().min(1),
  /** Attach a survey: the template gets one signed answer link per score. */
  survey: z.object({ kind: z.enum(['nps', 'csat']) }).optional(),
  next: StepId,
});

export const WaitForEventStep = z.object({
  type: z.literal('waitForEvent'),
  pattern: Pattern,
  /** A detail field that must carry the same value as in the trigger event, e.g. `orderId`. */
  correlate: z.string().min(1).optional(),
  timeout: Duration,
  next: StepId,
  onTimeout: StepId,
});

export const BranchStep = z.object({
  type: z.literal('branch'),
  /** Each `when` is an event pattern over `{ detail-type, source, detail, trigger, profile }`. */
  cases: z.array(z.object({ when: Pattern, next: StepId })).min(1),
  otherwise: StepId,
});

export const EmitStep = z.object({
  type: z.literal('emit'),
  detailType: z.string().min(1).max(128),
  detail: z.record(z.string(), z.unknown()).optional(),
  next: StepId,
});

export const ExitStep = z.object({ type: z.literal('exit') });

export const Step = z.discriminatedUnion('type', [
  WaitStep,
  SendEmailStep,
  WaitForEventStep,
  BranchStep,
  EmitStep,
  ExitStep,
]);
export type Step = z.infer<typeof Step>;
export type StepType = Step['type'];

export const Journey = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and dashes'),
  name: z.string().min(1).max(200),
  category: z.enum(['care', 'marketing']),
  version: z.number().int().positive().default(1),
  trigger: Pattern,
  audience: z
    .object({ consent: z.enum(['email', 'sms']).optional() })
    .default({}),
  reentry: z
    .object({ allowed: z.boolean(), cooldown: Duration.optional() })
    .default({ allowed: true }),
  start: StepId,
  steps: z.record(StepId, Step),
  goal: Pattern.nullable().default(null),
});
export type Journey = z.infer<typeof Journey>;
export type JourneyInput = z.input<typeof Journey>;

/** The steps a step can lead to, in order. */
export const successors = (step: Step): string[] => {
  switch (step.type) {
    case 'wait':
    case 'sendEmail':
    case 'emit':
      return [step.next];
    case 'waitForEvent':
      return [step.next, step.onTimeout];
    case 'branch':
      return [...step.cases.map((c) => c.next), step.otherwise];
    case 'exit':
      return [];
  }
};

/** Steps that stop the instance until time passes or an event arrives. */
export const isWaiting = (step: Step): boolean => step.type === 'wait' || step.type === 'waitForEvent';
