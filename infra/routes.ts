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
 * (through the router, which sets the message group from `detail.customerId`). Journey matching
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

/** The EventBridge detail-types of the SES events careflow records, as SES publishes them. */
export const sesDetailTypes: readonly string[] = [
  'Email Delivered',
  'Email Bounced',
  'Email Complaint Received',
  'Email Opened',
  'Email Clicked',
  'Email Rejected',
  'Email Rendering Failed',
];

/**
 * SES events about mail sent with one configuration set, to the feedback function (decisions
 * 0031 and 0051). SES tags every event with `ses:configuration-set`, so stages that share an
 * account (and other applications' mail) do not see each other's events. In AWS the same pattern
 * also forwards them from the default bus to the careflow bus.
 */
export const sesEventRoute = (configurationSetName: string): BusRoute => ({
  name: 'ses-events',
  description: 'SES events (delivery, bounce, complaint, open, click, ...) to the feedback function',
  pattern: {
    source: ['aws.ses'],
    'detail-type': [...sesDetailTypes],
    detail: { mail: { tags: { 'ses:configuration-set': [configurationSetName] } } },
  },
});

/** All routes of the careflow bus, in the order they are created. */
export const busRoutes: readonly BusRoute[] = [customerEventRoute];

/** A route of the HTTP API: which function serves it and whether callers must sign with IAM. */
export type HttpRouteSpec = {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway path with `{param}` placeholders. */
  readonly path: string;
  readonly target: 'survey' | 'api' | 'unsubscribe';
} & (
  | { readonly auth: 'iam' }
  /** A public route must say why it is public (it becomes the cdk-nag APIG4 acknowledgement). */
  | { readonly auth: 'none'; readonly publicBecause: string }
);

/** Routes of the admin function, all behind IAM. */
function adminRoutes(routes: readonly (readonly [HttpRouteSpec['method'], string])[]): HttpRouteSpec[] {
  return routes.map(([method, path]) => ({ method, path, target: 'api', auth: 'iam' }));
}

const surveyIsPublic =
  'Customers open survey links from email without an account. The path carries an HMAC-signed, expiring token that the survey function verifies; the route has its own throttle.';

const unsubscribeIsPublic =
  'Customers unsubscribe from email without an account, and mail clients POST the one-click unsubscribe (RFC 8058) without credentials. The path carries an HMAC-signed, expiring token that the unsubscribe function verifies; GET changes nothing; the route has its own throttle.';

/** The HTTP API's routes; the CDK stack creates exactly these, the local gateway can serve the same. */
export const httpRoutes: readonly HttpRouteSpec[] = [
  { method: 'GET', path: '/surveys/{token}', target: 'survey', auth: 'none', publicBecause: surveyIsPublic },
  { method: 'POST', path: '/surveys/{token}', target: 'survey', auth: 'none', publicBecause: surveyIsPublic },
  { method: 'GET', path: '/customers/{customerId}/messages', target: 'api', auth: 'iam' },
  {
    method: 'GET',
    path: '/unsubscribe/{token}',
    target: 'unsubscribe',
    auth: 'none',
    publicBecause: unsubscribeIsPublic,
  },
  {
    method: 'POST',
    path: '/unsubscribe/{token}',
    target: 'unsubscribe',
    auth: 'none',
    publicBecause: unsubscribeIsPublic,
  },
  // Admin API (docs/admin-api.md): journeys, templates, dry runs, test sends, pattern check, figures.
  ...adminRoutes([
    ['GET', '/journeys'],
    ['POST', '/journeys'],
    ['POST', '/journeys/validate'],
    ['GET', '/journeys/{id}'],
    ['PUT', '/journeys/{id}'],
    ['POST', '/journeys/{id}/publish'],
    ['POST', '/journeys/{id}/pause'],
    ['POST', '/journeys/{id}/resume'],
    ['POST', '/journeys/{id}/archive'],
    ['POST', '/journeys/{id}/simulate'],
    ['GET', '/journeys/{id}/stats'],
    ['GET', '/templates'],
    ['POST', '/templates/preview'],
    ['GET', '/templates/{id}'],
    ['PUT', '/templates/{id}'],
    ['DELETE', '/templates/{id}'],
    ['POST', '/messages/test'],
    ['POST', '/test-event-pattern'],
    ['GET', '/customers/{customerId}'],
    ['GET', '/customers/{customerId}/export'],
    ['DELETE', '/customers/{customerId}'],
    ['GET', '/suppressions/{channel}/{address}'],
    ['PUT', '/suppressions/{channel}/{address}'],
    ['DELETE', '/suppressions/{channel}/{address}'],
  ]),
];
