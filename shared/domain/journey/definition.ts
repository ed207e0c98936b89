import * as z from 'zod';
import { EmailTemplate } from '../templates/schema.js';
import { Duration } from '../time/duration.js';

/** An EventBridge event pattern; checked in depth by the journey validator. */
export const Pattern = z.record(z.string(), z.unknown());

const StepId = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'must be a step id such as "invite"');

export const WaitStep = z.object({
  type: z.literal('wait'),
  duration: Duration,
  next: StepId,
});

/**
 * Wait until a time of day in the customer's time zone (`time` alone: the next such time), or until
 * that time on a date the profile or the trigger carries (`date`), optionally its next yearly
 * occurrence (`annual`, e.g. a birthday). See docs/journeys.md.
 */
export const WaitUntilStep = z.object({
  type: z.literal('waitUntil'),
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day such as "09:30"'),
  /** Where the date is: `profile.birthday`, `profile.attributes.<name>` or `trigger.detail.<name>`. */
  date: z.string().min(1).optional(),
  annual: z.boolean().optional(),
  /** Where to go when the date is missing or not a date; without it the instance ends. */
  onMissing: StepId.optional(),
  next: StepId,
});

export const SendEmailStep = z.object({
  type: z.literal('sendEmail'),
  template: z.string().min(1),
  /** Attach a survey: the template gets one signed answer link per score. */
  survey: z.object({ kind: z.enum(['nps', 'csat']) }).optional(),
  /** Send the template's text part as an SMS when email is not possible (no address, no consent, suppressed). */
  fallback: z.literal('sms').optional(),
  next: StepId,
  /** Where to go when the message is not sent (a guard skipped it, after the fallback; or the provider refused it). */
  onSkipped: StepId.optional(),
});

/** An SMS: the text part of the template, rendered for the customer. */
export const SendSmsStep = z.object({
  type: z.literal('sendSms'),
  template: z.string().min(1),
  /** Send the template as an email when SMS is not possible (no phone, no consent, suppressed). */
  fallback: z.literal('email').optional(),
  next: StepId,
  /** Where to go when the message is not sent (a guard skipped it, after the fallback; or the provider refused it). */
  onSkipped: StepId.optional(),
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

/** Split customers at random, in fixed proportions; each instance always takes the same branch here. */
export const RandomSplitStep = z.object({
  type: z.literal('randomSplit'),
  branches: z
    .array(z.object({ percent: z.number().min(0).max(100), next: StepId }))
    .min(2)
    .max(20),
});

const AttributeName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/, 'must be an attribute name such as "winback"');

/** Set attributes of the customer's profile (`profile.attributes`); other attributes keep their value. */
export const UpdateProfileStep = z.object({
  type: z.literal('updateProfile'),
  set: z
    .record(AttributeName, z.unknown())
    .refine((set) => Object.keys(set).length > 0, 'must set at least one attribute'),
  next: StepId,
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
  WaitUntilStep,
  SendEmailStep,
  SendSmsStep,
  WaitForEventStep,
  BranchStep,
  RandomSplitStep,
  UpdateProfileStep,
  EmitStep,
  ExitStep,
]);
export type Step = z.infer<typeof Step>;
export type StepType = Step['type'];
export type WaitUntilStep = z.infer<typeof WaitUntilStep>;
export type RandomSplitStep = z.infer<typeof RandomSplitStep>;

/** Every step type, in the order docs/journeys.md describes them. */
export const STEP_TYPES: readonly StepType[] = Step.options.map((option) => option.shape.type.value);

export const Journey = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and dashes'),
  name: z.string().min(1).max(200),
  /** `marketing` needs an opt-in, is capped and stops on unsubscribe; `care` does not (see docs/journeys.md). */
  category: z.enum(['care', 'marketing']),
  version: z.number().int().positive().default(1),
  trigger: Pattern,
  audience: z
    .object({
      consent: z.enum(['email', 'sms']).optional(),
      /** An event pattern over `{ profile, tier, consent }`, checked when the customer would enter. */
      when: Pattern.optional(),
    })
    .default({}),
  reentry: z
    .object({
      allowed: z.boolean(),
      cooldown: Duration.optional(),
      /** How many instances of the journey one customer may run at once (default 1). */
      maxConcurrent: z.number().int().min(1).max(100).optional(),
    })
    .default({ allowed: true }),
  /** At most this many entries per UTC day, across all customers; later triggers that day are refused. */
  entryCap: z.object({ perDay: z.number().int().positive() }).optional(),
  /**
   * A control group: this share of customers enters and is counted, is sent nothing and runs no
   * steps, and is watched for the goal over `goalWindow`, so its conversions can be compared.
   */
  holdout: z.object({ percent: z.number().gt(0).lt(100) }).optional(),
  start: StepId,
  steps: z.record(StepId, Step),
  goal: Pattern.nullable().default(null),
  /**
   * Set by publishing, never written by hand: every template the send steps name, as it was when
   * this version was published. Instances render these, so they keep the wording they started
   * with; a version published without them renders the current templates.
   */
  templates: z.array(EmailTemplate).optional(),
  /**
   * The conversion window: the goal counts for the journey's conversion figures (and lift) only
   * this long after entry, for treated and held-out customers alike. Required with a holdout.
   */
  goalWindow: Duration.optional(),
});
export type Journey = z.infer<typeof Journey>;
export type JourneyInput = z.input<typeof Journey>;

/** The steps a step can lead to, in order. */
export const successors = (step: Step): string[] => {
  switch (step.type) {
    case 'wait':
    case 'updateProfile':
    case 'emit':
      return [step.next];
    case 'sendEmail':
    case 'sendSms':
      return step.onSkipped ? [step.next, step.onSkipped] : [step.next];
    case 'waitUntil':
      return step.onMissing ? [step.next, step.onMissing] : [step.next];
    case 'waitForEvent':
      return [step.next, step.onTimeout];
    case 'branch':
      return [...step.cases.map((c) => c.next), step.otherwise];
    case 'randomSplit':
      return step.branches.map((b) => b.next);
    case 'exit':
      return [];
  }
};

/**
 * Steps that always stop the instance until time passes or an event arrives. A `waitUntil` on a
 * one-off date does not count: a date in the past goes on at once.
 */
export const isWaiting = (step: Step): boolean =>
  step.type === 'wait' ||
  step.type === 'waitForEvent' ||
  (step.type === 'waitUntil' && (step.date === undefined || step.annual === true));

/** Steps that send a message. */
export const isSend = (step: Step): step is Extract<Step, { type: 'sendEmail' | 'sendSms' }> =>
  step.type === 'sendEmail' || step.type === 'sendSms';
