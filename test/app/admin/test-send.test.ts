import { describe, expect, it } from 'vitest';
import { sendTestMessage } from '../../../shared/app/admin/test-send.js';
import { SendRejectedError } from '../../../shared/app/errors.js';
import { ValidationError } from '../../../shared/domain/errors.js';
import { adminWorld } from './world.js';

describe('test send', () => {
  it('sends one rendered template to a colleague, marked as a test', async () => {
    const { deps, outbox } = adminWorld();

    const result = await sendTestMessage(deps, {
      template: 'survey-nps',
      to: 'marketing@example.com',
      profile: { name: '梅', locale: 'zh-CN' },
    });

    expect(outbox.emails).toHaveLength(1);
    const [mail] = outbox.emails;
    expect(mail).toMatchObject({
      to: 'marketing@example.com',
      from: 'care@example.com',
      subject: '[TEST] 梅，您有多大可能向朋友推荐我们？',
      tags: { 'careflow-test': 'true', template: 'survey-nps' },
      headers: { 'X-Careflow-Test': 'true' },
    });
    expect(mail?.text).toContain('https://careflow.invalid/surveys/preview?score=10');
    expect(result).toMatchObject({ messageId: 'test-id-1', subject: mail?.subject, locale: 'zh-CN' });
  });

  it('records nothing in any contact history', async () => {
    const { deps, messages } = adminWorld();

    await sendTestMessage(deps, {
      template: 'apology',
      to: 'ada@example.com',
      profile: { customerId: 'c-ada' },
    });

    expect(await messages.list('c-ada', 10)).toEqual([]);
    expect(await messages.list('sample-customer', 10)).toEqual([]);
  });

  it.each([
    { body: { template: 'apology', to: 'not-an-address' }, path: 'to' },
    { body: { template: 'nope', to: 'a@example.com' }, path: 'template' },
    { body: { to: 'a@example.com' }, path: 'template' },
  ])('refuses a request with a problem at $path', async ({ body, path }) => {
    const { deps, outbox } = adminWorld();

    const error = await sendTestMessage(deps, body).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems.map((p) => p.path)).toContain(path);
    expect(outbox.emails).toEqual([]);
  });

  it('passes on the provider refusing the address', async () => {
    const { deps } = adminWorld();
    deps.email = {
      send: async () => Promise.reject(new SendRejectedError('SES refused the message (MessageRejected)')),
    };

    await expect(sendTestMessage(deps, { template: 'apology', to: 'a@example.com' })).rejects.toThrow(
      SendRejectedError,
    );
  });
});
