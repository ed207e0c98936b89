export * from './definition.js';
export * from './draw.js';
export * from './effects.js';
export * from './entry.js';
export * from './instance.js';
export * from './interpreter.js';
export * from './validate.js';
export * from './wait-until.js';
