import { customerOverview } from '../../shared/app/admin/customer.js';
import {
  changeJourneyState,
  createJourney,
  getJourney,
  listJourneys,
  publishJourney,
  saveJourney,
  validateJourneyDefinition,
} from '../../shared/app/admin/journeys.js';
import { testEventPattern } from '../../shared/app/admin/pattern-check.js';
import { simulateJourney } from '../../shared/app/admin/simulate.js';
import { journeyFigures } from '../../shared/app/admin/stats.js';
import { getSuppression, liftSuppression, suppressAddress } from '../../shared/app/admin/suppressions.js';
import {
  deleteTemplate,
  getTemplate,
  listTemplates,
  previewTemplate,
  putTemplate,
} from '../../shared/app/admin/templates.js';
import { sendTestMessage } from '../../shared/app/admin/test-send.js';
import { contactHistory } from '../../shared/app/contact-history.js';
import type { AdminApiDeps } from '../../shared/app/deps.js';
import { eraseCustomer, exportCustomer } from '../../shared/app/privacy/index.js';
import { ValidationError } from '../../shared/domain/errors.js';
import { type HttpResult, json } from '../http/responses.js';
import { type ApiRequest, numberFrom, revisionFrom } from './request.js';

export type RouteHandler = (request: ApiRequest, deps: AdminApiDeps) => Promise<HttpResult>;

const ok = (body: unknown): HttpResult => json(200, body);

const messagesLimit = (raw: string | undefined): number => {
  const limit = raw === undefined ? 100 : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
    throw new ValidationError('The limit is invalid.', [{ path: 'limit', message: 'must be from 1 to 500' }]);
  }
  return limit;
};

const publishRevision = (body: unknown): number | undefined => {
  const revision =
    typeof body === 'object' && body !== null ? (body as { revision?: unknown }).revision : undefined;
  return revisionFrom(revision === undefined ? undefined : String(revision), 'revision');
};

/** Every admin route, by its API Gateway route key, to one use case. */
export const apiRoutes: Readonly<Record<string, RouteHandler>> = {
  'GET /journeys': async (r, deps) =>
    ok({ journeys: await listJourneys(deps, { includeArchived: r.query.include === 'archived' }) }),
  'POST /journeys': async (r, deps) => json(201, await createJourney(deps, r.body())),
  'POST /journeys/validate': async (r, deps) => ok(await validateJourneyDefinition(deps, r.body())),
  'GET /journeys/{id}': async (r, deps) => ok(await getJourney(deps, r.params.id ?? '')),
  'PUT /journeys/{id}': async (r, deps) =>
    ok(await saveJourney(deps, r.params.id ?? '', r.body(), revisionFrom(r.header('if-match'), 'If-Match'))),
  'POST /journeys/{id}/publish': async (r, deps) =>
    ok(await publishJourney(deps, r.params.id ?? '', publishRevision(r.optionalBody()))),
  'POST /journeys/{id}/pause': async (r, deps) =>
    ok(await changeJourneyState(deps, r.params.id ?? '', 'pause')),
  'POST /journeys/{id}/resume': async (r, deps) =>
    ok(await changeJourneyState(deps, r.params.id ?? '', 'resume')),
  'POST /journeys/{id}/archive': async (r, deps) =>
    ok(await changeJourneyState(deps, r.params.id ?? '', 'archive')),
  'POST /journeys/{id}/simulate': async (r, deps) =>
    ok(await simulateJourney(deps, r.params.id ?? '', r.body())),
  'GET /journeys/{id}/stats': async (r, deps) =>
    ok(
      await journeyFigures(deps, r.params.id ?? '', {
        smsPriceUsd: numberFrom(r.query.smsPriceUsd, 'smsPriceUsd'),
      }),
    ),
  'GET /templates': async (_r, deps) => ok({ templates: await listTemplates(deps) }),
  'POST /templates/preview': async (r, deps) => ok(await previewTemplate(deps, r.body())),
  'GET /templates/{id}': async (r, deps) => ok(await getTemplate(deps, r.params.id ?? '')),
  'PUT /templates/{id}': async (r, deps) => ok(await putTemplate(deps, r.params.id ?? '', r.body())),
  'DELETE /templates/{id}': async (r, deps) => ok(await deleteTemplate(deps, r.params.id ?? '')),
  'POST /messages/test': async (r, deps) => ok(await sendTestMessage(deps, r.body())),
  'POST /test-event-pattern': async (r) => {
    const check = testEventPattern(r.body());
    return check.ok
      ? ok({ Result: check.result })
      : json(400, { code: check.code, message: check.message, details: check.problems });
  },
  'GET /suppressions/{channel}/{address}': async (r, deps) =>
    ok(await getSuppression(deps, r.params.channel ?? '', r.params.address ?? '')),
  'PUT /suppressions/{channel}/{address}': async (r, deps) =>
    ok(await suppressAddress(deps, r.params.channel ?? '', r.params.address ?? '', r.optionalBody())),
  'DELETE /suppressions/{channel}/{address}': async (r, deps) =>
    ok(await liftSuppression(deps, r.params.channel ?? '', r.params.address ?? '')),
  'GET /customers/{customerId}': async (r, deps) =>
    ok(await customerOverview(deps, r.params.customerId ?? '')),
  'GET /customers/{customerId}/export': async (r, deps) =>
    ok(await exportCustomer(deps, r.params.customerId ?? '')),
  'DELETE /customers/{customerId}': async (r, deps) =>
    ok(await eraseCustomer(deps, r.params.customerId ?? '')),
  'GET /customers/{customerId}/messages': async (r, deps) => {
    const customerId = r.params.customerId ?? '';
    return ok({ customerId, messages: await contactHistory(deps, customerId, messagesLimit(r.query.limit)) });
  },
};
