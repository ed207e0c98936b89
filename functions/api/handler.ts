import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { lazyAdminDeps } from '../../shared/adapters/wiring/admin.js';
import type { AdminApiDeps } from '../../shared/app/deps.js';
import { errorStatus, type HttpResult, json, methodNotAllowed, routeNotFound } from '../http/responses.js';
import { toRequest } from './request.js';
import { apiRoutes, type RouteHandler } from './routes.js';

interface CompiledRoute {
  key: string;
  method: string;
  path: RegExp;
  params: string[];
  handler: RouteHandler;
}

/** Literal segments before parameters, so `/journeys/validate` wins over `/journeys/{id}`. */
const compiled: CompiledRoute[] = Object.entries(apiRoutes)
  .map(([key, handler]) => {
    const [method = '', template = ''] = key.split(' ');
    const params: string[] = [];
    const source = template.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
      params.push(name);
      return '([^/]+)';
    });
    return { key, method, path: new RegExp(`^${source}/?$`), params, handler };
  })
  .sort((a, b) => a.params.length - b.params.length);

/**
 * The route for a request: by API Gateway's route key when it has one of ours, otherwise by method
 * and path (the local gateway, a `$default` route). Null with the allowed methods when only the
 * method is wrong.
 */
const findRoute = (event: APIGatewayProxyEventV2) => {
  const byKey = apiRoutes[event.routeKey];
  if (byKey) return { handler: byKey, params: (event.pathParameters ?? {}) as Record<string, string> };
  const { method } = event.requestContext.http;
  const matching = compiled.filter((r) => r.path.test(event.rawPath));
  const route = matching.find((r) => r.method === method);
  if (!route) return { allowed: [...new Set(matching.map((r) => r.method))] };
  const values = route.path.exec(event.rawPath)?.slice(1) ?? [];
  return {
    handler: route.handler,
    params: Object.fromEntries(route.params.map((p, i) => [p, values[i] ?? ''])),
  };
};

/** Admin API (IAM in AWS): a table of routes, each calling one use case (functions/api/routes.ts). */
export const createApiHandler = (getDeps: () => Promise<AdminApiDeps>) =>
  middy<APIGatewayProxyEventV2, HttpResult>().handler(async (event) => {
    const { method } = event.requestContext.http;
    const route = findRoute(event);
    if (!route.handler) {
      return route.allowed.length > 0
        ? methodNotAllowed(method, event.rawPath, route.allowed)
        : routeNotFound(method, event.rawPath);
    }
    const deps = await getDeps();
    try {
      return await route.handler(toRequest(event, route.params), deps);
    } catch (error) {
      const { status, body } = errorStatus(error);
      if (status >= 500)
        deps.logger.error('admin request failed', { route: event.routeKey, error: String(error) });
      return json(status, body);
    }
  });

export const handler = createApiHandler(lazyAdminDeps);
