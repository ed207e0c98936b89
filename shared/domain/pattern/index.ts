// Contract of the EventBridge event-pattern matcher. Implementation in progress.
import type { Problem } from '../errors.js';

export type EventPattern = Record<string, unknown>;
export type Matcher = (event: unknown) => boolean;

export declare function validatePattern(pattern: unknown): Problem[];
export declare function compilePattern(pattern: unknown): Matcher;
