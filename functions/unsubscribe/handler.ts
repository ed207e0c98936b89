import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { lazyUnsubscribeDeps } from '../../shared/adapters/wiring/unsubscribe.js';
import { openUnsubscribe, type UnsubscribeDeps, unsubscribe } from '../../shared/app/unsubscribe.js';
import { linkErrorResponse } from '../http/pages.js';
import { bodyFields, type HttpResult, html, json, wantsJson } from '../http/responses.js';
import { donePage, preferencesPage } from './pages.js';

/** Fields of the POST body; a one-click POST may be multipart (RFC 8058), which carries nothing careflow needs. */
const postedFields = (event: APIGatewayProxyEventV2): Record<string, string> => {
  const type = (event.headers?.['content-type'] ?? '').toLowerCase();
  return type.includes('multipart/') ? {} : bodyFields(event);
};

/**
 * Public unsubscribe endpoints. `GET /unsubscribe/{token}` shows the current choice and changes
 * nothing; `POST /unsubscribe/{token}` unsubscribes: the one-click POST of a mail client
 * (`List-Unsubscribe=One-Click`, or no choice at all) stops marketing email, the page's buttons
 * send `scope=marketing` or `scope=all`.
 */
export const createUnsubscribeHandler = (getDeps: () => Promise<UnsubscribeDeps>) =>
  middy<APIGatewayProxyEventV2, HttpResult>().handler(async (event) => {
    const asJson = wantsJson(event);
    try {
      const deps = await getDeps();
      const token = event.pathParameters?.token ?? '';
      if (event.requestContext.http.method === 'GET') {
        const { preferences } = await openUnsubscribe(deps, token);
        return asJson ? json(200, preferences) : html(200, preferencesPage(event.rawPath, preferences));
      }
      const fields = postedFields(event);
      const page = fields.scope !== undefined;
      const result = await unsubscribe(deps, {
        token,
        scope: page ? fields.scope : 'marketing',
        via: page ? 'page' : 'one-click',
      });
      return asJson ? json(200, { scope: result.scope }) : html(200, donePage(result.scope));
    } catch (error) {
      const deps = await getDeps().catch(() => null);
      return linkErrorResponse(error, asJson, deps ? { logger: deps.logger, what: 'unsubscribe' } : null);
    }
  });

export const handler = createUnsubscribeHandler(lazyUnsubscribeDeps);
