/**
 * Bus routes shared by the CDK stack and the local stack.
 *
 * A route is plain data: a name, a description and an EventBridge event pattern written
 * exactly as EventBridge stores it (JSON keys such as `detail-type`, not CDK's camelCase).
 * The CDK app turns each route into an EventBridge rule; the local stack applies the very
 * same pattern with careflow's own matcher, so both sides route the same events.
 *
 * Keep this module free of CDK imports: the local stack loads it at runtime.
 */
export interface BusRoute {
  /** Short kebab-case name, used in construct ids and rule descriptions. */
  readonly name: string;
  readonly description: string;
  /** An EventBridge event pattern in its JSON form. */
  readonly pattern: Readonly<Record<string, unknown>>;
}

/**
 * Every event whose detail names a customer goes to the per-customer ordered queue
 * (through the router, which sets `MessageGroupId = detail.customerId`). Journey matching
 * happens in the processor, not in bus rules.
 */
export const customerEventRoute: BusRoute = {
  name: 'customer-events',
  description: 'Customer events (detail.customerId present) to the per-customer ordered queue',
  pattern: {
    detail: {
      customerId: [{ exists: true }],
    },
  },
};

/** All routes of the careflow bus, in the order they are created. */
export const busRoutes: readonly BusRoute[] = [customerEventRoute];
