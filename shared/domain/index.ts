export * from './errors.js';
export * from './events/index.js';
export * from './journey/index.js';
export * from './links/signed-token.js';
export * from './survey/nps.js';
export * from './templates/render.js';
export * from './time/duration.js';
