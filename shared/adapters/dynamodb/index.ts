export { createDocumentClient, type TableOptions } from './client.js';
export { DynamoCustomerStore } from './customer-store.js';
export { DynamoJourneyStore } from './journey-store.js';
export { ttlAttribute } from './keys.js';
export { DynamoMessageLog } from './message-log.js';
export { DynamoSurveyStore } from './survey-store.js';
export { createTable } from './table.js';
