// The EventBridge event-pattern matcher: validate, compile, and match many patterns at once.
export { compilePattern } from './compile.js';
export { FILING_FORMAT, type FiledKey, type Filing, PatternIndex, parsedPattern } from './pattern-index.js';
export { type IndexSnapshot, SNAPSHOT_FORMAT } from './snapshot.js';
export type { EventPattern, Matcher } from './types.js';
export { validatePattern } from './validate.js';
