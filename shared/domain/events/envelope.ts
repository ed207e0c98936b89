import * as z from '../zod.js';
import { detailSchemas, GenericDetail } from './schemas.js';

/** The EventBridge event as a Lambda target receives it. */
export const BusEvent = z.object({
  version: z._default(z.string(), '0'),
  id: z.string().check(z.minLength(1)),
  'detail-type': z.string().check(z.minLength(1), z.maxLength(128)),
  source: z.string().check(z.minLength(1), z.maxLength(256)),
  account: z._default(z.string(), '000000000000'),
  time: z.iso.datetime({ offset: true }),
  region: z._default(z.string(), 'local'),
  resources: z._default(z.array(z.string()), []),
  detail: z.record(z.string(), z.unknown()),
});
export type BusEvent = z.infer<typeof BusEvent>;

/** A bus event whose detail passed the schema of its detail-type. */
export type CustomerEvent = BusEvent & { detail: { customerId: string } & Record<string, unknown> };

export interface FieldProblem {
  path: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

const toProblems = (error: z.core.$ZodError, prefix: string): FieldProblem[] =>
  error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
    message: issue.message,
  }));

/** Describe problems as one line, each naming its field: `detail.total: expected number`. */
export const describeProblems = (problems: FieldProblem[]): string =>
  problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ');

/**
 * Validate an event envelope and its detail against the schema of its detail-type.
 * Unknown detail-types are accepted as long as the detail names a customerId.
 */
export const parseCustomerEvent = (input: unknown): ParseResult<CustomerEvent> => {
  const envelope = BusEvent.safeParse(input);
  if (!envelope.success) return { ok: false, problems: toProblems(envelope.error, '') };
  const event = envelope.data;
  const schema = (detailSchemas as Record<string, z.ZodMiniType>)[event['detail-type']] ?? GenericDetail;
  const detail = schema.safeParse(event.detail);
  if (!detail.success) return { ok: false, problems: toProblems(detail.error, 'detail') };
  return { ok: true, value: { ...event, detail: detail.data as CustomerEvent['detail'] } };
};
