import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** One request to DynamoDB as the fault plan sees it: the operation and the item key it targets. */
export interface DynamoCall {
  /** `Query`, `PutItem`, `UpdateItem`, `DeleteItem`, `GetItem`, ... */
  operation: string;
  pk: string | undefined;
  sk: string | undefined;
}

/** What to do with a matching request: throw to fail it, or do something first and return. */
export type FaultAction = (call: DynamoCall) => void | Promise<void>;

interface Rule {
  match: (call: DynamoCall) => boolean;
  remaining: number;
  action: FaultAction;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/** `{ S: 'C#c-1' }` → `C#c-1` (the input is already marshalled where the plan sits). */
const stringOf = (value: unknown): string | undefined =>
  isObject(value) && typeof value.S === 'string' ? value.S : undefined;

const keyOf = (input: unknown): { pk: string | undefined; sk: string | undefined } => {
  if (!isObject(input)) return { pk: undefined, sk: undefined };
  const item = isObject(input.Key) ? input.Key : isObject(input.Item) ? input.Item : undefined;
  if (item) return { pk: stringOf(item.pk), sk: stringOf(item.sk) };
  const values = isObject(input.ExpressionAttributeValues) ? input.ExpressionAttributeValues : {};
  return { pk: stringOf(values[':pk']), sk: undefined };
};

/**
 * Fault injection for a real DynamoDB client (DynamoDB Local): every request is recorded, and
 * rules can fail it or run something before it (a concurrent writer). The plan sits below the
 * SDK's retry middleware, so each attempt of a retried request passes through it, exactly as a
 * throttled request would be retried in AWS.
 */
export class DynamoFaults {
  readonly calls: DynamoCall[] = [];
  private rules: Rule[] = [];

  /** Apply `action` to the next `times` requests that match. */
  on(match: (call: DynamoCall) => boolean, action: FaultAction, times = 1): this {
    this.rules.push({ match, remaining: times, action });
    return this;
  }

  /** Fail every request from now on with the error `make` builds (the process is gone). */
  failEverything(make: () => Error): this {
    return this.on(
      () => true,
      () => {
        throw make();
      },
      Number.POSITIVE_INFINITY,
    );
  }

  clear(): void {
    this.rules = [];
  }

  count(operation: string, match: (call: DynamoCall) => boolean = () => true): number {
    return this.calls.filter((call) => call.operation === operation && match(call)).length;
  }

  attach(client: DynamoDBClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const call: DynamoCall = {
          operation: (context.commandName ?? '').replace(/Command$/, ''),
          ...keyOf(args.input),
        };
        this.calls.push(call);
        const rule = this.rules.find((r) => r.remaining > 0 && r.match(call));
        if (rule) {
          rule.remaining -= 1;
          await rule.action(call);
        }
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'careflowFaultInjection' },
    );
  }
}

export const isMessageItem = (call: DynamoCall): boolean => call.sk?.startsWith('M#') ?? false;
export const isInstanceItem = (call: DynamoCall): boolean => call.sk?.startsWith('I#') ?? false;
