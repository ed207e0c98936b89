import type { Clock, TemplateStore } from '../../app/ports.js';
import { defaultTemplates } from '../../domain/templates/defaults.js';
import type { TableOptions } from '../dynamodb/client.js';
import { DynamoTemplateStore } from '../dynamodb/template-store.js';
import { LayeredTemplateStore } from './layered-template-store.js';

/**
 * How long the engine keeps a template before reading it again. Only versions published before
 * versions kept their templates read the store; the others render the templates they keep.
 */
export const TEMPLATE_CACHE_MS = 60_000;

/**
 * The templates the engine sends with: stored in the table first, the built-in ones as fallback,
 * cached per container (`ttlMs`; 0 reads the table every time, as the admin API does).
 */
export const storedThenBuiltInTemplates = (
  table: TableOptions,
  clock: Clock,
  ttlMs = TEMPLATE_CACHE_MS,
): TemplateStore =>
  new LayeredTemplateStore(new DynamoTemplateStore(table), defaultTemplates, { clock, ttlMs });
