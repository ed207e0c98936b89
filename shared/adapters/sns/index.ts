export * from './sns-sms-sender.js';
