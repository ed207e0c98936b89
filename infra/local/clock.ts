import type { Clock } from '../../shared/app/ports.js';

/**
 * The local stack's clock: real time plus an offset that `advance` moves forward,
 * so a 24-hour wait can be tried in a second.
 */
export class LocalClock implements Clock {
  constructor(
    private offsetMs = 0,
    private readonly realNow: () => number = Date.now,
  ) {}

  now(): string {
    return new Date(this.realNow() + this.offsetMs).toISOString();
  }

  get offset(): number {
    return this.offsetMs;
  }

  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError('the local clock only moves forward');
    this.offsetMs += ms;
  }

  /** Jump to `iso` if it is in the future; never move back. */
  advanceTo(iso: string): void {
    const delta = Date.parse(iso) - Date.parse(this.now());
    if (delta > 0) this.offsetMs += delta;
  }
}
