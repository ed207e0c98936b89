import type { Problem } from '../errors.js';

/**
 * Where the parser stands in a pattern. The path (`detail.total[0].numeric`) is only spelled out
 * when a problem is reported: building it for every field of every valid pattern was a large part
 * of loading thousands of patterns.
 */
export class Place {
  private readonly parts: (string | number)[] = [];
  readonly problems: Problem[] = [];

  enter(part: string | number): void {
    this.parts.push(part);
  }

  leave(): void {
    this.parts.pop();
  }

  /** Record a problem here, or further down at `below`; returns undefined so that parsers can `return place.report(...)`. */
  report(message: string, ...below: (string | number)[]): undefined {
    let path = '';
    for (const part of below.length === 0 ? this.parts : [...this.parts, ...below]) {
      if (typeof part === 'number') path += `[${part}]`;
      else path = path === '' ? part : `${path}.${part}`;
    }
    this.problems.push({ path, message });
    return undefined;
  }
}
