import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import { withCorrelationId } from '../../shared/adapters/observability.js';
import { lazyRouterDeps, type RouterDeps } from '../../shared/adapters/wiring/router.js';
import { routeEvents } from '../../shared/app/route-events.js';

type AnyBusEvent = EventBridgeEvent<string, Record<string, unknown>>;

/**
 * Bus rule target: puts each customer event on the FIFO customer queue with the customer
 * id as message group (EventBridge cannot set a per-event group id itself) and keeps
 * invalid events, with their reason, on the invalid-events queue.
 */
export const createRouterHandler = (getDeps: () => Promise<RouterDeps>) =>
  middy<AnyBusEvent, { routed: number; rejected: number }>().handler(async (event) => {
    const deps = await getDeps();
    return withCorrelationId(deps.logger, event.id, () => routeEvents(deps, [event]));
  });

export const handler = createRouterHandler(lazyRouterDeps);
