import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { z } from 'zod';
import { contactHistory } from '../../shared/app/contact-history.js';
import type { AdminDeps } from '../../shared/app/deps.js';
import { lazyAdminDeps } from '../../shared/adapters/wiring/admin.js';
import { ValidationError } from '../../shared/domain/errors.js';
import { errorJson, type HttpResult, json } from '../http/responses.js';

const Limit = z.coerce.number().int().min(1).max(500).default(100);

/** Admin API: `GET /customers/{customerId}/messages`, the contact history, newest first. */
export const createApiHandler = (getDeps: () => Promise<AdminDeps>) =>
  middy<APIGatewayProxyEventV2, HttpResult>().handler(async (event) => {
    try {
      const { method } = event.requestContext.http;
      const customerId = event.pathParameters?.customerId;
      if (!customerId || !/^\/customers\/[^/]+\/messages\/?$/.test(event.rawPath)) {
        return json(404, { code: 'NotFound', message: `No route for ${method} ${event.rawPath}` });
      }
      if (method !== 'GET') return json(405, { code: 'MethodNotAllowed', message: `${method} is not allowed here` });
      const limit = Limit.safeParse(event.queryStringParameters?.limit);
      if (!limit.success) {
        throw new ValidationError('The limit is invalid.', [{ path: 'limit', message: 'must be from 1 to 500' }]);
      }
      const deps = await getDeps();
      const messages = await contactHistory(deps, decodeURIComponent(customerId), limit.data);
      return json(200, { customerId: decodeURIComponent(customerId), messages });
    } catch (error) {
      return errorJson(error);
    }
  });

export const handler = createApiHandler(lazyAdminDeps);
