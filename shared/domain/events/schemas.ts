import * as z from '../zod.js';

/** IANA time zone name, checked against the runtime's time zone database. */
export const TimeZone = z.string().check(
  z.refine(
    (tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    },
    { message: 'must be an IANA time zone such as Europe/Berlin' },
  ),
);

const CustomerId = z.string().check(z.minLength(1), z.maxLength(128));

/**
 * The producer's own id of an event, the same on every retry of its PutEvents (careflow's own
 * events carry one too). Two deliveries with the same source, detail-type and key are one event:
 * they start a journey once, whatever their EventBridge ids.
 */
const EventKey = z.string().check(z.minLength(1), z.maxLength(256));

export const Consent = z.object({
  email: z.optional(z.boolean()),
  sms: z.optional(z.boolean()),
});
export type Consent = z.infer<typeof Consent>;

export const CustomerProfileUpdated = z.object({
  customerId: CustomerId,
  eventKey: z.optional(EventKey),
  email: z.optional(z.email()),
  phone: z.optional(
    z.string().check(z.regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +4915112345678')),
  ),
  name: z.optional(z.string().check(z.maxLength(200))),
  timezone: z.optional(TimeZone),
  locale: z.optional(z.string().check(z.minLength(2), z.maxLength(35))),
  birthday: z.optional(z.iso.date()),
  consent: z.optional(Consent),
  attributes: z.optional(z.record(z.string(), z.unknown())),
});
export type CustomerProfileUpdated = z.infer<typeof CustomerProfileUpdated>;

export const OrderItem = z.object({
  sku: z.string().check(z.minLength(1)),
  name: z.optional(z.string()),
  quantity: z.int().check(z.positive()),
  price: z.number().check(z.nonnegative()),
});
export type OrderItem = z.infer<typeof OrderItem>;

export const OrderCompleted = z.object({
  customerId: CustomerId,
  eventKey: z.optional(EventKey),
  orderId: z.string().check(z.minLength(1)),
  total: z.number().check(z.nonnegative()),
  currency: z.string().check(z.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR')),
  items: z._default(z.array(OrderItem), []),
});
export type OrderCompleted = z.infer<typeof OrderCompleted>;

export const SurveyAnswered = z.object({
  customerId: CustomerId,
  eventKey: z.optional(EventKey),
  surveyId: z.string().check(z.minLength(1)),
  kind: z.enum(['nps', 'csat']),
  score: z.int().check(z.gte(0), z.lte(10)),
  /** The NPS score again under its own name, so journey branches read `detail.nps`. */
  nps: z.optional(z.int().check(z.gte(0), z.lte(10))),
  category: z.optional(z.enum(['promoter', 'passive', 'detractor'])),
  comment: z.optional(z.string().check(z.maxLength(2000))),
  orderId: z.optional(z.string()),
  journeyId: z.optional(z.string()),
  instanceId: z.optional(z.string()),
  revision: z.int().check(z.positive()),
});
export type SurveyAnswered = z.infer<typeof SurveyAnswered>;

/** Every event a journey can react to; unknown detail-types still need a customerId. */
export const GenericDetail = z.looseObject({ customerId: CustomerId, eventKey: z.optional(EventKey) });

export const detailSchemas = {
  'Customer Profile Updated': CustomerProfileUpdated,
  'Order Completed': OrderCompleted,
  'Survey Answered': SurveyAnswered,
} as const;
export type KnownDetailType = keyof typeof detailSchemas;
