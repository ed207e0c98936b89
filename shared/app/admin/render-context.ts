import { ValidationError } from '../../domain/errors.js';
import { CustomerProfileUpdated } from '../../domain/events/schemas.js';
import * as z from '../../domain/zod.js';

/** Who a preview or test message is for when the caller names nobody. */
export const sampleProfile = {
  customerId: 'sample-customer',
  email: 'ada@example.com',
  name: 'Ada',
  timezone: 'Europe/London',
  locale: 'en',
  consent: { email: true, sms: true },
  attributes: { tier: 'vip' },
};

/** The event a preview or test message is about when the caller gives none. */
export const sampleEvent = {
  customerId: 'sample-customer',
  orderId: 'o-1001',
  total: 59.9,
  currency: 'EUR',
  items: [{ sku: 'tea-01', name: 'Jasmine tea', quantity: 2, price: 29.95 }],
};

/** Survey links in previews and test sends point nowhere (`.invalid` is reserved for that). */
const sampleSurvey = {
  token: 'preview',
  url: 'https://careflow.invalid/surveys/preview',
  links: Array.from({ length: 11 }, (_, score) => ({
    score,
    url: `https://careflow.invalid/surveys/preview?score=${score}`,
  })),
};

/** What a preview or test send renders against; each part may be given or left to the samples. */
export const RenderInput = z.object({
  profile: z.optional(z.partial(CustomerProfileUpdated)),
  /** The detail of the event the message is about (the template's `event`). */
  event: z.optional(z.record(z.string(), z.unknown())),
  /** The detail of the journey's trigger (the template's `trigger`); defaults to `event`. */
  trigger: z.optional(z.record(z.string(), z.unknown())),
  journey: z.optional(z.object({ id: z.string(), name: z.string() })),
  /** Render this locale instead of the profile's. */
  locale: z.optional(z.string().check(z.minLength(2), z.maxLength(35))),
});
export type RenderInput = z.infer<typeof RenderInput>;

export const parseInput = <T>(schema: z.core.$ZodType<T>, input: unknown, what: string): T => {
  const parsed = z.safeParse(schema, input);
  if (parsed.success) return parsed.data;
  throw new ValidationError(
    `The ${what} is invalid.`,
    parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || 'body', message: i.message })),
  );
};

/**
 * The template context, shaped as the engine builds it when it sends (`profile`, `trigger`,
 * `event`, `journey`, `survey`): what the caller gave, the samples for what it left out.
 */
export const renderContext = (input: RenderInput): Record<string, unknown> => {
  const event = input.event ?? sampleEvent;
  return {
    profile: input.profile ?? sampleProfile,
    event,
    trigger: input.trigger ?? event,
    journey: input.journey ?? { id: 'sample-journey', name: 'Sample journey' },
    survey: sampleSurvey,
  };
};
