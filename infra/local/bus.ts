import { randomUUID } from 'node:crypto';
import type { Clock } from '../../shared/app/ports.js';
import type { BusEvent } from '../../shared/domain/events/envelope.js';
import { describeProblems, parseCustomerEvent } from '../../shared/domain/events/envelope.js';
import { compilePattern, type Matcher } from '../../shared/domain/pattern/index.js';

export interface PutEventsEntry {
  Source?: unknown;
  DetailType?: unknown;
  Detail?: unknown;
  Time?: unknown;
  EventBusName?: unknown;
  Resources?: unknown;
}

export type PutEventsResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

export interface DeadLetter {
  reason: string;
  entry: unknown;
  receivedAt: string;
}

interface Route {
  name: string;
  matches: Matcher;
  target: (event: BusEvent) => Promise<unknown>;
}

/**
 * The careflow bus in one process: answers PutEvents like EventBridge, then delivers each
 * event to every route whose pattern matches (with the same matcher journeys use).
 * Entries that fail validation are reported by field and kept as dead letters.
 */
export class LocalBus {
  readonly deadLetters: DeadLetter[] = [];
  private readonly routes: Route[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly clock: Clock,
    private readonly account = '000000000000',
    private readonly region = 'local',
  ) {}

  addRoute(
    name: string,
    pattern: Record<string, unknown>,
    target: (event: BusEvent) => Promise<unknown>,
  ): void {
    this.routes.push({ name, matches: compilePattern(pattern), target });
  }

  putEvents(entries: PutEventsEntry[]): { FailedEntryCount: number; Entries: PutEventsResultEntry[] } {
    const results = entries.map((entry) => this.putOne(entry));
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  }

  /**
   * An event an AWS service puts on the bus itself (SES's events reach the careflow bus through
   * the default bus): no PutEvents checks, delivered to every matching route like any other.
   */
  putServiceEvent(event: BusEvent): void {
    this.deliver(event);
  }

  /** Resolves when every delivery started so far has finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private putOne(entry: PutEventsEntry): PutEventsResultEntry {
    const receivedAt = this.clock.now();
    const reject = (code: string, message: string): PutEventsResultEntry => {
      this.deadLetters.push({ reason: message, entry, receivedAt });
      return { ErrorCode: code, ErrorMessage: message };
    };
    if (typeof entry.Source !== 'string' || entry.Source === '')
      return reject('MalformedDetail', 'Source: is required');
    if (entry.Source.startsWith('aws.')) {
      // Like EventBridge: only AWS services put `aws.*` events (SES events: POST /_local/ses/events).
      return reject('NotAuthorizedForSourceException', 'Source: Not authorized for the source.');
    }
    if (typeof entry.DetailType !== 'string' || entry.DetailType === '') {
      return reject('MalformedDetail', 'DetailType: is required');
    }
    if (typeof entry.Detail !== 'string') return reject('MalformedDetail', 'Detail: must be a JSON string');
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail);
    } catch {
      return reject('MalformedDetail', 'Detail: is not valid JSON');
    }
    const time = entry.Time === undefined ? receivedAt : timeOf(entry.Time);
    if (!time) return reject('MalformedDetail', 'Time: must be an ISO 8601 timestamp');
    const event = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: this.account,
      time,
      region: this.region,
      resources: Array.isArray(entry.Resources) ? entry.Resources.map(String) : [],
      detail,
    };
    const parsed = parseCustomerEvent(event);
    if (!parsed.ok) return reject('ValidationError', describeProblems(parsed.problems));
    this.deliver(parsed.value);
    return { EventId: event.id };
  }

  /**
   * Deliveries run one after another, in the order events were put. EventBridge promises no
   * order; this is one of the orders it may choose, and it keeps local runs repeatable.
   */
  private deliver(event: BusEvent): void {
    for (const route of this.routes) {
      if (!route.matches(event)) continue;
      const delivery = this.tail
        .then(() => route.target(event))
        .catch((error: unknown) => {
          this.deadLetters.push({
            reason: `route ${route.name} failed: ${error instanceof Error ? error.message : String(error)}`,
            entry: event,
            receivedAt: this.clock.now(),
          });
        });
      this.tail = delivery;
      this.inFlight.add(delivery);
      void delivery.finally(() => this.inFlight.delete(delivery));
    }
  }
}

const timeOf = (value: unknown): string | null => {
  const ms =
    typeof value === 'number' ? value * 1000 : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
};
