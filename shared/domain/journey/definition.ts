import { EmailTemplate } from '../templates/schema.js';
import { Duration } from '../time/duration.js';
import * as z from '../zod.js';

/** An EventBridge event pattern; checked in depth by the journey validator. */
export const Pattern = z.record(z.string(), z.unknown());

const StepId = z
  .string()
  .check(z.regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'must be a step id such as "invite"'));

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
  time: z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day such as "09:30"')),
  /** Where the date is: `profile.birthday`, `profile.attributes.<name>` or `trigger.detail.<name>`. */
  date: z.optional(z.string().check(z.minLength(1))),
  annual: z.optional(z.boolean()),
  /** Where to go when the date is missing or not a date; without it the instance ends. */
  onMissing: z.optional(StepId),
  next: StepId,
});

export const SendEmailStep = z.object({
  type: z.literal('sendEmail'),
  template: z.string().check(z.minLength(1)),
  /** Attach a survey: the template gets one signed answer link per score. */
  survey: z.optional(z.object({ kind: z.enum(['nps', 'csat']) })),
  /** Send the template's text part as an SMS when email is not possible (no address, no consent, suppressed). */
  fallback: z.optional(z.literal('sms')),
  next: StepId,
  /** Where to go when the message is not sent (a guard skipped it, after the fallback; or the provider refused it). */
  onSkipped: z.optional(StepId),
});

/** An SMS: the text part of the template, rendered for the customer. */
export const SendSmsStep = z.object({
  type: z.literal('sendSms'),
  template: z.string().check(z.minLength(1)),
  /** Send the template as an email when SMS is not possible (no phone, no consent, suppressed). */
  fallback: z.optional(z.literal('email')),
  next: StepId,
  /** Where to go when the message is not sent (a guard skipped it, after the fallback; or the provider refused it). */
  onSkipped: z.optional(StepId),
});

/** A service level's priority, the dimension of the `SlaBreaches` metric: `high`, `vip`, `p1`. */
export const SlaPriority = z
  .string()
  .check(
    z.regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'must be 1–32 lower-case letters, digits or dashes, such as high'),
  );

export const WaitForEventStep = z.object({
  type: z.literal('waitForEvent'),
  pattern: Pattern,
  /** A detail field that must carry the same value as in the trigger event, e.g. `orderId`. */
  correlate: z.optional(z.string().check(z.minLength(1))),
  timeout: Duration,
  next: StepId,
  onTimeout: StepId,
  /**
   * The wait is a service level promised to the customer (a reply within four hours): reaching
   * the timeout breaches it, which is counted by priority before the `onTimeout` path runs.
   */
  sla: z.optional(z.object({ priority: SlaPriority })),
});

export const BranchStep = z.object({
  type: z.literal('branch'),
  /** Each `when` is an event pattern over `{ detail-type, source, detail, trigger, profile }`. */
  cases: z.array(z.object({ when: Pattern, next: StepId })).check(z.minLength(1)),
  otherwise: StepId,
});

/** Split customers at random, in fixed proportions; each instance always takes the same branch here. */
export const RandomSplitStep = z.object({
  type: z.literal('randomSplit'),
  branches: z
    .array(z.object({ percent: z.number().check(z.gte(0), z.lte(100)), next: StepId }))
    .check(z.minLength(2), z.maxLength(20)),
});

const AttributeName = z
  .string()
  .check(z.regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/, 'must be an attribute name such as "winback"'));

/** Set attributes of the customer's profile (`profile.attributes`); other attributes keep their value. */
export const UpdateProfileStep = z.object({
  type: z.literal('updateProfile'),
  set: z
    .record(AttributeName, z.unknown())
    .check(z.refine((set) => Object.keys(set).length > 0, 'must set at least one attribute')),
  next: StepId,
});

export const EmitStep = z.object({
  type: z.literal('emit'),
  detailType: z.string().check(z.minLength(1), z.maxLength(128)),
  detail: z.optional(z.record(z.string(), z.unknown())),
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
export const STEP_TYPES: readonly StepType[] = Step._zod.def.options.flatMap(
  (option) => option.shape.type._zod.def.values,
);

export const Journey = z.object({
  id: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and dashes')),
  name: z.string().check(z.minLength(1), z.maxLength(200)),
  /** `marketing` needs an opt-in, is capped and stops on unsubscribe; `care` does not (see docs/journeys.md). */
  category: z.enum(['care', 'marketing']),
  version: z._default(z.int().check(z.positive()), 1),
  trigger: Pattern,
  audience: z._default(
    z.object({
      consent: z.optional(z.enum(['email', 'sms'])),
      /** An event pattern over `{ profile, tier, consent }`, checked when the customer would enter. */
      when: z.optional(Pattern),
    }),
    {},
  ),
  reentry: z._default(
    z.object({
      allowed: z.boolean(),
      cooldown: z.optional(Duration),
      /** How many instances of the journey one customer may run at once (default 1). */
      maxConcurrent: z.optional(z.int().check(z.gte(1), z.lte(100))),
    }),
    { allowed: true },
  ),
  /** At most this many entries per UTC day, across all customers; later triggers that day are refused. */
  entryCap: z.optional(z.object({ perDay: z.int().check(z.positive()) })),
  /**
   * A control group: this share of customers enters and is counted, is sent nothing and runs no
   * steps, and is watched for the goal over `goalWindow`, so its conversions can be compared.
   */
  holdout: z.optional(z.object({ percent: z.number().check(z.gt(0), z.lt(100)) })),
  start: StepId,
  steps: z.record(StepId, Step),
  goal: z._default(z.nullable(Pattern), null),
  /**
   * Set by publishing, never written by hand: every template the send steps name, as it was when
   * this version was published. Instances render these, so they keep the wording they started
   * with; a version published without them renders the current templates.
   */
  templates: z.optional(z.array(EmailTemplate)),
  /**
   * The conversion window: the goal counts for the journey's conversion figures (and lift) only
   * this long after entry, for treated and held-out customers alike. Required with a holdout.
   */
  goalWindow: z.optional(Duration),
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
