import { describe, expect, it } from 'vitest';
import {
  deleteTemplate,
  getTemplate,
  listTemplates,
  previewTemplate,
  putTemplate,
} from '../../../shared/app/admin/templates.js';
import { NotFoundError, ValidationError } from '../../../shared/domain/errors.js';
import { renderEmail } from '../../../shared/domain/templates/render.js';
import { adminWorld } from './world.js';

const greeting = {
  subject: 'Hello {{ profile.name }}',
  html: '<p>Your order {{ trigger.orderId }} is on its way.</p>',
  text: 'Your order {{ trigger.orderId }} is on its way.',
  locales: {
    'zh-CN': {
      subject: '{{ profile.name }}，您好',
      html: '<p>您的订单 {{ trigger.orderId }} 已发货。</p>',
      text: '您的订单 {{ trigger.orderId }} 已发货。',
    },
    'pt-BR': {
      subject: 'Olá {{ profile.name }}',
      html: '<p>Pedido {{ trigger.orderId }}</p>',
      text: 'Pedido {{ trigger.orderId }}',
    },
  },
};

const errorOf = async (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );

describe('template locale variants', () => {
  it.each([
    { locale: 'zh-CN', subject: 'Mei，您好' },
    { locale: 'zh-cn', subject: 'Mei，您好' },
    { locale: 'zh-Hans-CN', subject: 'Mei，您好' },
    { locale: 'zh-TW', subject: 'Mei，您好' },
    { locale: 'zh', subject: 'Mei，您好' },
    { locale: 'pt-BR', subject: 'Olá Mei' },
    { locale: 'pt-PT', subject: 'Olá Mei' },
    { locale: 'de-DE', subject: 'Hello Mei' },
    { locale: 'en-GB', subject: 'Hello Mei' },
    { locale: undefined, subject: 'Hello Mei' },
  ])('a customer whose profile says $locale gets "$subject"', async ({ locale, subject }) => {
    const { deps } = adminWorld();

    const preview = await previewTemplate(deps, {
      template: greeting,
      profile: { name: 'Mei', ...(locale ? { locale } : {}) },
      event: { orderId: 'o-7' },
    });

    expect(preview.subject).toBe(subject);
  });

  it('sends the built-in survey invitation in Chinese to a zh-CN customer (the engine renders the same way)', () => {
    const { deps } = adminWorld();
    const invitation = deps.builtInTemplates.find((t) => t.id === 'survey-nps');
    if (!invitation) throw new Error('survey-nps is built in');

    const rendered = renderEmail(invitation, {
      profile: { name: '梅', locale: 'zh-CN' },
      trigger: { orderId: 'o-1' },
      survey: { links: [{ score: 0, url: 'https://x.example/0' }] },
    });

    expect(rendered.subject).toBe('梅，您有多大可能向朋友推荐我们？');
    expect(rendered.text).toContain('感谢您的订单 o-1');
    expect(rendered.html).toContain('0 = 完全不可能');
  });
});

describe('template preview', () => {
  it('renders a built-in template against the sample customer and order', async () => {
    const { deps } = adminWorld();

    const preview = await previewTemplate(deps, { template: 'apology' });

    expect(preview).toMatchObject({ templateId: 'apology', locale: 'en', missingVariables: [] });
    expect(preview.subject).toBe('We are sorry, Ada');
    expect(preview.text).toContain('order o-1001');
  });

  it('reports the variables the sample does not provide, and whether the message copes without them', async () => {
    const { deps } = adminWorld();

    const preview = await previewTemplate(deps, {
      template: {
        subject: 'Hi {{ profile.nickname | default: profile.name }}',
        html: '<p>{% if profile.attributes.points %}You have {{ profile.attributes.points }} points.{% endif %}</p>',
        text: 'Your coupon: {{ event.coupon.code }}\n{% for item in event.items %}{{ item.sku }} {% endfor %}',
      },
    });

    expect(preview.missingVariables).toEqual([
      { variable: 'profile.nickname', part: 'subject', line: 1, column: 7, guarded: true },
      { variable: 'profile.attributes.points', part: 'html', line: 1, column: 10, guarded: true },
      { variable: 'profile.attributes.points', part: 'html', line: 1, column: 50, guarded: false },
      { variable: 'event.coupon.code', part: 'text', line: 1, column: 17, guarded: false },
    ]);
    expect(preview.text).toBe('Your coupon: \ntea-01 ');
  });

  it('names the part and position of a Liquid syntax error', async () => {
    const { deps } = adminWorld();

    const error = await errorOf(
      previewTemplate(deps, {
        template: { subject: 'Hi {{ profile.name', html: '<p>ok</p>', text: '{% if %}' },
      }),
    );

    expect(error).toBeInstanceOf(ValidationError);
    const paths = (error as ValidationError).problems.map((p) => p.path);
    expect(paths).toEqual(['subject', 'text']);
  });

  it('refuses a template id that does not exist', async () => {
    const { deps } = adminWorld();

    const error = await errorOf(previewTemplate(deps, { template: 'nope' }));

    expect((error as ValidationError).problems).toEqual([
      { path: 'template', message: 'names the template "nope", which does not exist' },
    ]);
  });
});

describe('stored templates', () => {
  it('lets a stored template replace a built-in one until it is deleted', async () => {
    const { deps } = adminWorld();

    await putTemplate(deps, 'apology', {
      subject: 'So sorry, {{ profile.name }}',
      html: '<p>x</p>',
      text: 'x',
    });
    const replaced = await previewTemplate(deps, { template: 'apology' });
    const listed = (await listTemplates(deps)).find((t) => t.id === 'apology');
    const deleted = await deleteTemplate(deps, 'apology');
    const restored = await previewTemplate(deps, { template: 'apology' });

    expect(replaced.subject).toBe('So sorry, Ada');
    expect(listed).toMatchObject({ source: 'stored', overridesBuiltIn: true, revision: 1 });
    expect(deleted).toEqual({ id: 'apology', fallback: 'built-in' });
    expect(restored.subject).toBe('We are sorry, Ada');
  });

  it('counts revisions and lists the locales of a stored template', async () => {
    const { deps } = adminWorld();

    await putTemplate(deps, 'shipped', greeting);
    const view = await putTemplate(deps, 'shipped', { ...greeting, subject: 'Hi {{ profile.name }}' });

    expect(view).toMatchObject({
      id: 'shipped',
      source: 'stored',
      revision: 2,
      locales: ['en', 'zh-CN', 'pt-BR'],
    });
    expect((await getTemplate(deps, 'shipped')).template.subject).toBe('Hi {{ profile.name }}');
  });

  it('refuses to store a template with a syntax error in one of its locales, naming the locale', async () => {
    const { deps } = adminWorld();

    const error = await errorOf(
      putTemplate(deps, 'shipped', {
        ...greeting,
        locales: { 'zh-CN': { subject: '{{ profile.name', html: '<p>x</p>', text: 'x' } },
      }),
    );

    expect((error as ValidationError).problems.map((p) => p.path)).toEqual(['locales.zh-CN.subject']);
    await expect(getTemplate(deps, 'shipped')).rejects.toThrow(NotFoundError);
  });

  it.each([
    { id: 'Upper', body: greeting, path: 'id' },
    { id: 'shipped', body: { ...greeting, id: 'other' }, path: 'id' },
    { id: 'shipped', body: { ...greeting, locales: { english: greeting } }, path: 'locales.english' },
    { id: 'shipped', body: { subject: 'x', html: 'x' }, path: 'text' },
  ])('refuses template "$id" with a problem at $path', async ({ id, body, path }) => {
    const { deps } = adminWorld();

    const error = await errorOf(putTemplate(deps, id, body));

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems.map((p) => p.path)).toContain(path);
  });

  it('cannot delete a built-in template', async () => {
    const { deps } = adminWorld();

    await expect(deleteTemplate(deps, 'survey-nps')).rejects.toThrow(/built in/);
  });
});
