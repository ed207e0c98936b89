export * from './erasure.js';
export * from './erasure-hold.js';
