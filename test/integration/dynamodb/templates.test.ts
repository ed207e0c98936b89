import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.js';
import { DynamoTemplateStore } from '../../../shared/adapters/dynamodb/template-store.js';
import { VirtualClock } from '../../../shared/adapters/memory/clock.js';
import { storedThenBuiltInTemplates } from '../../../shared/adapters/templates/engine-templates.js';
import type { EmailTemplate } from '../../../shared/domain/templates/render.js';
import { useDynamoDb } from '../../support/dynamodb.js';
import { countingClient } from './counting-client.js';

const db = useDynamoDb();
const store = () => new DynamoTemplateStore({ doc: db.doc, tableName: db.tableName });
const newId = () => `t-${crypto.randomUUID()}`;
const at = '2026-11-02T09:00:00.000Z';

const template = (id: string, overrides: Partial<EmailTemplate> = {}): EmailTemplate => ({
  id,
  subject: 'Hi {{ profile.name }}',
  html: '<p>Deep {{ a.b.c.d.e.f }}</p>',
  text: 'Hi',
  locales: { 'zh-CN': { subject: '{{ profile.name }}，您好', html: '<p>您好</p>', text: '您好' } },
  ...overrides,
});

describe('DynamoTemplateStore', () => {
  it('stores a template with its locale variants and reads it back unchanged', async () => {
    const id = newId();

    const stored = await store().put(template(id), at);

    expect(stored).toEqual({ template: template(id), revision: 1, updatedAt: at });
    expect(await store().get(id)).toEqual(stored);
  });

  it('counts a revision for every change', async () => {
    const id = newId();
    await store().put(template(id), at);

    const changed = await store().put(template(id, { subject: 'Hello' }), '2026-11-03T09:00:00.000Z');

    expect(changed).toMatchObject({
      revision: 2,
      updatedAt: '2026-11-03T09:00:00.000Z',
      template: { subject: 'Hello' },
    });
  });

  it('lists stored templates and deletes one, saying whether there was one', async () => {
    const [a, b] = [newId(), newId()];
    await store().put(template(a), at);
    await store().put(template(b), at);

    const deleted = await store().delete(a);
    const again = await store().delete(a);

    expect(deleted).toBe(true);
    expect(again).toBe(false);
    const ids = (await store().list()).map((t) => t.template.id);
    expect(ids).toContain(b);
    expect(ids).not.toContain(a);
  });

  it('lets the engine send a stored template over a built-in one, reading it once a minute at most', async () => {
    await store().put(template('apology', { subject: 'Stored apology' }), at);
    const { client, calls } = countingClient(db.endpoint);
    const clock = new VirtualClock(at);
    const engine = storedThenBuiltInTemplates(
      { doc: createDocumentClient(client), tableName: db.tableName },
      clock,
    );

    const first = await engine.get('apology');
    const second = await engine.get('apology');
    const builtIn = await engine.get('survey-nps');
    clock.set('2026-11-02T09:01:00.000Z');
    await engine.get('apology');

    expect(first?.subject).toBe('Stored apology');
    expect(second?.subject).toBe('Stored apology');
    expect(builtIn?.id).toBe('survey-nps');
    expect(calls).toEqual(['GetItem', 'GetItem', 'GetItem']);
  });
});
