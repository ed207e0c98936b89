import { NotFoundError, ValidationError } from '../../domain/errors.js';
import { type CustomerEvent, describeProblems, parseCustomerEvent } from '../../domain/events/envelope.js';
import { CustomerProfileUpdated } from '../../domain/events/schemas.js';
import type { Instance } from '../../domain/journey/instance.js';
import { chooseLocale } from '../../domain/templates/locale.js';
import { parseDuration } from '../../domain/time/duration.js';
import * as z from '../../domain/zod.js';
import type { AdminApiDeps, Sandbox } from '../deps.js';
import type { MessageStatus } from '../ports.js';
import { processCustomerEvent } from '../process-customer-event.js';
import { processWake } from '../process-wake.js';
import { checkJourney } from './journey-check.js';
import { editable } from './journeys.js';
import { parseInput } from './render-context.js';

const IsoTime = z.iso.datetime({ offset: true });

export const SimulationInput = z.object({
  /** The customer as the profile store would hold them; `customerId` defaults to `simulated-customer`. */
  profile: z.optional(z.partial(CustomerProfileUpdated)),
  events: z
    .array(
      z.object({
        at: IsoTime,
        detailType: z.string().check(z.minLength(1), z.maxLength(128)),
        source: z._default(z.string().check(z.minLength(1), z.maxLength(256)), 'simulation'),
        detail: z._default(z.record(z.string(), z.unknown()), {}),
      }),
    )
    .check(z.minLength(1), z.maxLength(100)),
  /** Stop here; wake-ups after it are not run. Default: a year and a day after the last event. */
  until: z.optional(IsoTime),
  /** What to run: the draft (default when there is one) or a published version. */
  version: z.optional(z.union([z.literal('draft'), z.int().check(z.positive())])),
});
export type SimulationInput = z.input<typeof SimulationInput>;

export type SimulationInputKind = 'event' | 'wake' | 'emitted';

export interface TimelineEntry {
  at: string;
  input: { kind: SimulationInputKind; detailType?: string; instanceId?: string };
  entered: string[];
  notEntered: string[];
  /** Steps run because of this input, in order, by instance. */
  steps: { instanceId: string; stepId: string }[];
  ended: { instanceId: string; status: Instance['status']; reason: string | null }[];
}

export interface SimulatedMessage {
  at: string;
  instanceId: string;
  stepId: string;
  channel: 'email' | 'sms';
  template: string;
  to: string | null;
  /** `would-send`, or `skipped`/`failed` with the reason. */
  status: 'would-send' | Exclude<MessageStatus, 'sent'>;
  reason: string | null;
  locale: string | null;
  subject: string | null;
  text: string | null;
  html: string | null;
}

export interface SimulatedInstance {
  instanceId: string;
  status: Instance['status'];
  endReason: string | null;
  startedAt: string;
  endedAt: string | null;
  /** Each step with the (virtual) time it ran. */
  path: { stepId: string; at: string }[];
  /** What the instance waits for at the end of the simulation, if still running. */
  waiting: Instance['waiting'];
  durationMs: number | null;
}

export interface SimulationResult {
  journey: { id: string; version: number | 'draft' };
  customerId: string;
  from: string;
  until: string;
  instances: SimulatedInstance[];
  timeline: TimelineEntry[];
  messages: SimulatedMessage[];
  emitted: { at: string; detailType: string; detail: Record<string, unknown> }[];
  /** True when the run stopped at the input limit (a journey that keeps re-triggering itself). */
  truncated: boolean;
}

/** Enough for any sane journey; a journey that feeds itself events forever stops here. */
export const MAX_SIMULATED_INPUTS = 250;
const DEFAULT_HORIZON = 'P366D';
const SIMULATED_CUSTOMER = 'simulated-customer';

type Deps = Pick<AdminApiDeps, 'drafts' | 'journeys' | 'templates' | 'sandbox'>;

/**
 * The journey to simulate: the draft (as it would be published) or a published version, which
 * renders the templates it keeps.
 */
const journeyToRun = async (deps: Deps, id: string, version: SimulationInput['version']) => {
  if (typeof version === 'number') {
    const published = await deps.journeys.getVersion(id, version);
    if (!published) throw new NotFoundError(`Journey "${id}" has no version ${version}.`);
    return { journey: published, label: version } as const;
  }
  const draft = await deps.drafts.get(id);
  if (!draft) {
    const current = version === 'draft' ? undefined : await deps.journeys.getCurrent(id);
    if (!current)
      throw new NotFoundError(`There is no journey "${id}"${version === 'draft' ? ' draft' : ''}.`);
    return { journey: current.journey, label: current.journey.version } as const;
  }
  const next = (await deps.journeys.latestVersion(id)) + 1;
  // A draft renders the current templates: what publishing it now would keep.
  const check = await checkJourney({ ...editable(draft.definition), id, version: next }, deps.templates);
  if (!check.ok)
    throw new ValidationError(`The draft of "${id}" cannot run: fix its problems first.`, check.problems);
  return { journey: check.journey, label: 'draft' } as const;
};

/**
 * A dry run of one journey for one customer: the real use cases (`processCustomerEvent`,
 * `processWake`) on a sandbox with a virtual clock. Events are fed at their `at`; wake-ups fire
 * at their time; what the journey emits comes back as events of the customer, as the bus would
 * deliver it. Nothing is sent and nothing is written to the real table.
 */
export const simulateJourney = async (deps: Deps, id: string, body: unknown): Promise<SimulationResult> => {
  const input = parseInput(SimulationInput, body, 'simulation request');
  const { journey, label } = await journeyToRun(deps, id, input.version);
  const customerId = input.profile?.customerId ?? SIMULATED_CUSTOMER;
  const events = [...input.events].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const from = new Date(events[0]?.at ?? 0).toISOString();
  const last = events[events.length - 1]?.at ?? from;
  const until = new Date(
    input.until ?? Date.parse(last) + (parseDuration(DEFAULT_HORIZON) ?? 0),
  ).toISOString();
  if (Date.parse(until) < Date.parse(last)) {
    throw new ValidationError('The simulation request is invalid.', [
      { path: 'until', message: 'must not be before the last event' },
    ]);
  }
  const sandbox = deps.sandbox([journey], from);
  if (input.profile) {
    await sandbox.deps.customers.saveProfile({
      ...input.profile,
      customerId,
      createdAt: from,
      updatedAt: from,
    });
  }
  const run = new SimulationRun(sandbox, customerId);
  for (const [index, event] of events.entries()) {
    await run.wakesUntil(event.at);
    sandbox.clock.set(event.at);
    await run.event(toCustomerEvent(event, index, customerId), 'event');
  }
  await run.wakesUntil(until);
  return {
    journey: { id, version: label },
    customerId,
    from,
    until,
    instances: await run.instances(),
    timeline: run.timeline,
    messages: await messagesOf(deps, sandbox, customerId, input.profile?.locale),
    emitted: run.emitted,
    truncated: run.truncated,
  };
};

const toCustomerEvent = (
  event: { at: string; detailType: string; source: string; detail: Record<string, unknown> },
  index: number,
  customerId: string,
): CustomerEvent => {
  const parsed = parseCustomerEvent({
    id: `simulated-${index + 1}`,
    'detail-type': event.detailType,
    source: event.source,
    time: event.at,
    detail: { ...event.detail, customerId },
  });
  if (!parsed.ok) {
    throw new ValidationError(
      `events.${index} is not a valid ${event.detailType} event: ${describeProblems(parsed.problems)}`,
      parsed.problems.map((p) => ({ path: `events.${index}.${p.path}`, message: p.message })),
    );
  }
  return parsed.value;
};

/** The moving parts of one simulation: inputs, the timeline they produce, and the step times. */
class SimulationRun {
  readonly timeline: TimelineEntry[] = [];
  readonly emitted: SimulationResult['emitted'] = [];
  truncated = false;
  private inputs = 0;
  private delivered = 0;
  private readonly stepTimes = new Map<string, { stepId: string; at: string }[]>();

  constructor(
    private readonly sandbox: Sandbox,
    private readonly customerId: string,
  ) {}

  /** Fire every wake-up due up to `time`, each at its own time. */
  async wakesUntil(time: string): Promise<void> {
    for (let due = this.sandbox.wakes.takeNextDue(time); due; due = this.sandbox.wakes.takeNextDue(time)) {
      if (!this.take()) return;
      this.sandbox.clock.set(due.at);
      const before = await this.snapshot();
      await processWake(this.sandbox.deps, due.wake);
      await this.record({ kind: 'wake', instanceId: due.wake.instanceId }, before, [], []);
      await this.deliverEmitted();
    }
  }

  async event(event: CustomerEvent, kind: SimulationInputKind): Promise<void> {
    if (!this.take()) return;
    const before = await this.snapshot();
    const result = await processCustomerEvent(this.sandbox.deps, event);
    await this.record(
      { kind, detailType: event['detail-type'] },
      before,
      result.started,
      result.skipped.map((s) => s.reason),
    );
    await this.deliverEmitted();
  }

  async instances(): Promise<SimulatedInstance[]> {
    const { instances } = await this.sandbox.deps.customers.load(this.customerId);
    return instances.map((i) => ({
      instanceId: i.instanceId,
      status: i.status,
      endReason: i.endReason,
      startedAt: i.startedAt,
      endedAt: i.endedAt,
      path: this.stepTimes.get(i.instanceId) ?? [],
      waiting: i.waiting,
      durationMs: i.endedAt ? Date.parse(i.endedAt) - Date.parse(i.startedAt) : null,
    }));
  }

  private take(): boolean {
    this.inputs += 1;
    if (this.inputs > MAX_SIMULATED_INPUTS) this.truncated = true;
    return !this.truncated;
  }

  /** What the journey emitted comes back as events of this customer, as the bus would deliver it. */
  private async deliverEmitted(): Promise<void> {
    while (this.delivered < this.sandbox.published.length && !this.truncated) {
      const out = this.sandbox.published[this.delivered];
      this.delivered += 1;
      if (!out) continue;
      const at = this.sandbox.clock.now();
      this.emitted.push({ at, detailType: out.detailType, detail: out.detail });
      if (out.detail.customerId !== this.customerId) continue;
      const parsed = parseCustomerEvent({
        id: `emitted-${this.delivered}`,
        'detail-type': out.detailType,
        source: out.source,
        time: at,
        detail: out.detail,
      });
      if (parsed.ok) await this.event(parsed.value, 'emitted');
    }
  }

  private async snapshot(): Promise<Map<string, Instance>> {
    const { instances } = await this.sandbox.deps.customers.load(this.customerId);
    return new Map(instances.map((i) => [i.instanceId, i]));
  }

  private async record(
    input: TimelineEntry['input'],
    before: Map<string, Instance>,
    entered: string[],
    notEntered: string[],
  ): Promise<void> {
    const at = this.sandbox.clock.now();
    const entry: TimelineEntry = { at, input, entered, notEntered, steps: [], ended: [] };
    for (const instance of (await this.snapshot()).values()) {
      const previous = before.get(instance.instanceId);
      for (const stepId of instance.path.slice(previous?.path.length ?? 0)) {
        entry.steps.push({ instanceId: instance.instanceId, stepId });
        const times = this.stepTimes.get(instance.instanceId) ?? [];
        times.push({ stepId, at });
        this.stepTimes.set(instance.instanceId, times);
      }
      if (instance.status !== 'active' && previous?.status !== instance.status) {
        entry.ended.push({
          instanceId: instance.instanceId,
          status: instance.status,
          reason: instance.endReason,
        });
      }
    }
    this.timeline.push(entry);
  }
}

/** Every message of the run, oldest first, with what it would have said. */
const messagesOf = async (
  deps: Deps,
  sandbox: Sandbox,
  customerId: string,
  profileLocale: string | undefined,
): Promise<SimulatedMessage[]> => {
  const records = await sandbox.deps.messages.list(customerId, MAX_SIMULATED_INPUTS);
  const emails = new Map(sandbox.outbox.map((m) => [m.messageId, m]));
  const texts = new Map(sandbox.smsOutbox.map((m) => [m.messageId, m]));
  const messages: SimulatedMessage[] = [];
  for (const record of [...records].reverse()) {
    const email = emails.get(record.messageId);
    const sms = texts.get(record.messageId);
    const template = email || sms ? await deps.templates.get(record.template) : undefined;
    messages.push({
      at: record.sentAt,
      instanceId: record.instanceId,
      stepId: record.stepId,
      channel: record.channel,
      template: record.template,
      to: record.to,
      status: record.status === 'sent' ? 'would-send' : record.status,
      reason: record.reason,
      locale: template ? chooseLocale(Object.keys(template.locales ?? {}), profileLocale) : null,
      subject: email?.subject ?? record.subject,
      text: email?.text ?? sms?.text ?? null,
      html: email?.html ?? null,
    });
  }
  return messages;
};
