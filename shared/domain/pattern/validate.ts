import type { Problem } from '../errors.js';
import { parsePattern } from './parse.js';

/**
 * Every problem EventBridge would refuse the pattern for, each with the path where it sits
 * (e.g. `detail.total[0].numeric`); an empty list means the pattern is valid.
 */
export const validatePattern = (pattern: unknown): Problem[] => {
  const parsed = parsePattern(pattern);
  return parsed.ok ? [] : parsed.problems;
};
