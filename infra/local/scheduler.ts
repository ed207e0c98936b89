import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LocalClock } from './clock.js';
import type { LocalFifoQueue } from './fifo-queue.js';

export interface LocalSchedule {
  name: string;
  groupName: string;
  /** ISO time the schedule fires. */
  at: string;
  input: string;
  messageGroupId: string;
}

/**
 * EventBridge Scheduler's one-time `at()` schedules, for the local stack: fires each
 * schedule into the customer queue once it is due and deletes it (ActionAfterCompletion
 * DELETE). Schedules and the clock offset are kept in a file, so a restart loses nothing.
 */
export class LocalScheduler {
  private readonly schedules = new Map<string, LocalSchedule>();
  private timer: NodeJS.Timeout | null = null;
  private firing: Promise<void> = Promise.resolve();

  constructor(
    private readonly clock: LocalClock,
    private readonly queue: LocalFifoQueue,
    private readonly stateFile: string | null,
  ) {}

  /** Restore the schedules and clock offset saved by an earlier run. */
  load(): void {
    if (!this.stateFile) return;
    try {
      const saved = JSON.parse(readFileSync(this.stateFile, 'utf8')) as {
        offsetMs: number;
        schedules: LocalSchedule[];
      };
      this.clock.advance(saved.offsetMs);
      for (const s of saved.schedules) this.schedules.set(key(s.groupName, s.name), s);
    } catch {
      // first start: nothing saved yet
    }
  }

  /** Returns false when a schedule of that name exists already (CreateSchedule's ConflictException). */
  create(schedule: LocalSchedule): boolean {
    const k = key(schedule.groupName, schedule.name);
    if (this.schedules.has(k)) return false;
    this.schedules.set(k, schedule);
    this.save();
    return true;
  }

  delete(groupName: string, name: string): boolean {
    const deleted = this.schedules.delete(key(groupName, name));
    this.save();
    return deleted;
  }

  get pending(): LocalSchedule[] {
    return [...this.schedules.values()].sort((a, b) => a.at.localeCompare(b.at));
  }

  /**
   * Move the clock forward by `ms`, firing every schedule that falls due on the way at its
   * own time, and wait until the queue has processed what they started.
   */
  advance(ms: number): Promise<void> {
    const target = new Date(Date.parse(this.clock.now()) + ms).toISOString();
    // at() takes whole seconds and the adapter rounds up: a wait of exactly 24 hours is due
    // within the second that ends 24 hours from now.
    const due = new Date(Math.ceil(Date.parse(target) / 1000) * 1000).toISOString();
    return this.serial(async () => {
      await this.queue.idle();
      for (let next = this.pending[0]; next && next.at <= due; next = this.pending[0]) {
        this.clock.advanceTo(next.at);
        this.queue.release();
        this.fire(next);
        await this.queue.idle();
      }
      this.clock.advanceTo(target);
      // Messages a consumer postponed come back once the clock has passed them.
      this.queue.release();
      await this.queue.idle();
      this.save();
    });
  }

  /** Fire what real time made due, every `intervalMs`. */
  start(intervalMs = 1000): void {
    this.timer = setInterval(() => {
      void this.advance(0);
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.save();
  }

  private fire(schedule: LocalSchedule): void {
    this.schedules.delete(key(schedule.groupName, schedule.name));
    this.queue.send([
      { body: schedule.input, groupId: schedule.messageGroupId, deduplicationId: schedule.name },
    ]);
  }

  private serial(work: () => Promise<void>): Promise<void> {
    this.firing = this.firing.then(work, work);
    return this.firing;
  }

  private save(): void {
    if (!this.stateFile) return;
    mkdirSync(dirname(this.stateFile), { recursive: true });
    writeFileSync(
      this.stateFile,
      JSON.stringify({ offsetMs: this.clock.offset, schedules: this.pending }, null, 2),
    );
  }
}

const key = (group: string, name: string) => `${group}/${name}`;
