export * from './erasure.js';
