export * from './announce.js';
export * from './delivery-status.js';
export * from './errors.js';
export * from './record-email-feedback.js';
export * from './sms-opt-out.js';
