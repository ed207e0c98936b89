import type { Problem } from '../../domain/errors.js';
import { compilePattern, validatePattern } from '../../domain/pattern/index.js';

/** The fields EventBridge's TestEventPattern insists on (its docs also list `resources`; AWS does not). */
export const REQUIRED_EVENT_FIELDS = ['id', 'account', 'source', 'time', 'region', 'detail-type'] as const;
const MAX_PATTERN_LENGTH = 4096;

export type PatternCheck =
  | { ok: true; result: boolean }
  | {
      ok: false;
      /** EventBridge's error type, as its API names it. */
      code: 'InvalidEventPatternException' | 'ValidationException';
      message: string;
      problems: Problem[];
    };

const invalidRequest = (field: string, constraint: string, value = 'null'): PatternCheck => ({
  ok: false,
  code: 'ValidationException',
  message: `1 validation error detected: Value ${value} at '${field}' failed to satisfy constraint: ${constraint}`,
  problems: [{ path: field === 'eventPattern' ? 'EventPattern' : 'Event', message: constraint }],
});

const invalidEvent = (reason: string | null, path = 'Event'): PatternCheck => ({
  ok: false,
  code: 'ValidationException',
  message: reason ? `Parameter Event is not valid. Reason: ${reason}` : 'Parameter Event is not valid.',
  problems: [{ path, message: reason ?? 'must be a JSON object' }],
});

const invalidPattern = (problems: Problem[]): PatternCheck => ({
  ok: false,
  code: 'InvalidEventPatternException',
  message: `Event pattern is not valid. Reason: ${problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ')}`,
  problems: problems.map((p) => ({
    path: p.path ? `EventPattern.${p.path}` : 'EventPattern',
    message: p.message,
  })),
});

const parseJson = (text: string): { ok: true; value: unknown } | { ok: false; error: string } => {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : 'not JSON' };
  }
};

/**
 * EventBridge's TestEventPattern, on careflow's own matcher: `{ EventPattern, Event }`, both JSON
 * text, gives whether the event matches; a bad pattern or event gives the error EventBridge would,
 * with every problem of the pattern listed.
 */
export const testEventPattern = (input: unknown): PatternCheck => {
  const request = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  const { EventPattern: patternText, Event: eventText } = request;
  if (typeof patternText !== 'string') return invalidRequest('eventPattern', 'Member must not be null');
  if (typeof eventText !== 'string') return invalidRequest('event', 'Member must not be null');
  if (patternText.length > MAX_PATTERN_LENGTH) {
    return invalidRequest(
      'eventPattern',
      `Member must have length less than or equal to ${MAX_PATTERN_LENGTH}`,
      `of ${patternText.length} characters`,
    );
  }
  const pattern = parseJson(patternText);
  if (!pattern.ok) return invalidPattern([{ path: '', message: `is not JSON: ${pattern.error}` }]);
  const problems = validatePattern(pattern.value);
  if (problems.length > 0) return invalidPattern(problems);
  const matches = compilePattern(pattern.value as Record<string, unknown>);
  const event = parseJson(eventText);
  if (!event.ok) return invalidEvent(`is not JSON: ${event.error}`);
  if (typeof event.value !== 'object' || event.value === null || Array.isArray(event.value))
    return invalidEvent(null);
  const body = event.value;
  const missing = REQUIRED_EVENT_FIELDS.find((field) => !Object.hasOwn(body, field));
  if (missing)
    return invalidEvent(`Provided Event is missing required field ${missing}.`, `Event.${missing}`);
  return { ok: true, result: matches(body) };
};
