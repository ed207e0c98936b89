import type { Clock } from '../../app/ports.js';

/** A clock that only moves when told to: the simulation's virtual time. */
export class VirtualClock implements Clock {
  constructor(private current: string) {}

  now(): string {
    return this.current;
  }

  /** Move to `iso`; never backwards. */
  set(iso: string): void {
    if (Date.parse(iso) > Date.parse(this.current)) this.current = new Date(iso).toISOString();
  }
}
