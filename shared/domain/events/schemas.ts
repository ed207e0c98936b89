import * as z from 'zod';

/** IANA time zone name, checked against the runtime's time zone database. */
export const TimeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be an IANA time zone such as Europe/Berlin' },
);

const CustomerId = z.string().min(1).max(128);

export const Consent = z.object({
  email: z.boolean().optional(),
  sms: z.boolean().optional(),
});
export type Consent = z.infer<typeof Consent>;

export const CustomerProfileUpdated = z.object({
  customerId: CustomerId,
  email: z.email().optional(),
  phone: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +4915112345678')
    .optional(),
  name: z.string().max(200).optional(),
  timezone: TimeZone.optional(),
  locale: z.string().min(2).max(35).optional(),
  birthday: z.iso.date().optional(),
  consent: Consent.optional(),
  attributes: z.record(z.string(), z.unknown()).optional(),
});
export type CustomerProfileUpdated = z.infer<typeof CustomerProfileUpdated>;

export const OrderItem = z.object({
  sku: z.string().min(1),
  name: z.string().optional(),
  quantity: z.number().int().positive(),
  price: z.number().nonnegative(),
});
export type OrderItem = z.infer<typeof OrderItem>;

export const OrderCompleted = z.object({
  customerId: CustomerId,
  orderId: z.string().min(1),
  total: z.number().nonnegative(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR'),
  items: z.array(OrderItem).default([]),
});
export type OrderCompleted = z.infer<typeof OrderCompleted>;

export const SurveyAnswered = z.object({
  customerId: CustomerId,
  surveyId: z.string().min(1),
  kind: z.enum(['nps', 'csat']),
  score: z.number().int().min(0).max(10),
  /** The NPS score again under its own name, so journey branches read `detail.nps`. */
  nps: z.number().int().min(0).max(10).optional(),
  category: z.enum(['promoter', 'passive', 'detractor']).optional(),
  comment: z.string().max(2000).optional(),
  orderId: z.string().optional(),
  journeyId: z.string().optional(),
  instanceId: z.string().optional(),
  revision: z.number().int().positive(),
});
export type SurveyAnswered = z.infer<typeof SurveyAnswered>;

/** Every event a journey can react to; unknown detail-types still need a customerId. */
export const GenericDetail = z.looseObject({ customerId: CustomerId });

export const detailSchemas = {
  'Customer Profile Updated': CustomerProfileUpdated,
  'Order Completed': OrderCompleted,
  'Survey Answered': SurveyAnswered,
} as const;
export type KnownDetailType = keyof typeof detailSchemas;
