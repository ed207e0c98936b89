import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ContextKeys } from '../../infra/stacks/app.js';

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const operations = read('docs/operations.md');
const docs = [
  'README.md',
  ...readdirSync(new URL('../../docs', import.meta.url))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
  ...readdirSync(new URL('../../docs/decisions', import.meta.url))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/decisions/${name}`),
];
const known = new Set<string>(Object.values(ContextKeys));
/** A key named only to show the error a typo gets. */
const typos = new Set(['careflow:tracng']);

describe('the context keys in the docs', () => {
  it.each(Object.values(ContextKeys))('docs/operations.md explains %s', (key) => {
    expect(operations).toContain(`\`${key}\``);
  });

  it.each(docs)('%s names only keys the app reads', (path) => {
    const named = [...read(path).matchAll(/careflow:[a-zA-Z]+/g)].map(([key]) => key);
    expect(named.filter((key) => !known.has(key) && !typos.has(key))).toEqual([]);
  });
});
