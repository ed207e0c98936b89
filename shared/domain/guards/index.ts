// Guards every send passes (consent, suppression, frequency cap, quiet hours) and the zone math they use.
export * from './quiet-hours.js';
export * from './send.js';
export * from './zoned-time.js';
