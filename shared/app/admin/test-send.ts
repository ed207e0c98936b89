import type { MissingVariable } from '../../domain/templates/check.js';
import * as z from '../../domain/zod.js';
import type { AdminApiDeps } from '../deps.js';
import { parseInput } from './render-context.js';
import { PreviewInput, renderWithReport, resolveTemplate } from './templates.js';

export const TEST_SUBJECT_PREFIX = '[TEST] ';

export const TestSendInput = z.extend(PreviewInput, {
  /** Where the test goes: a colleague's inbox, never a customer's history. */
  to: z.email(),
});

export interface TestSendResult {
  messageId: string;
  providerMessageId: string;
  to: string;
  subject: string;
  locale: string;
  missingVariables: MissingVariable[];
}

/**
 * `POST /messages/test`: render one template and send it to the given address, marked as a test
 * (subject prefix and the `careflow-test` tag). It is not written to any customer's contact
 * history, and skips the consent and frequency guards: the address belongs to a colleague.
 */
export const sendTestMessage = async (
  deps: Pick<AdminApiDeps, 'templates' | 'email' | 'sender' | 'newId' | 'logger'>,
  body: unknown,
): Promise<TestSendResult> => {
  const input = parseInput(TestSendInput, body, 'test send request');
  const template = await resolveTemplate(deps, input.template);
  const rendered = renderWithReport(template, input);
  const messageId = `test-${deps.newId()}`;
  const subject = `${TEST_SUBJECT_PREFIX}${rendered.subject}`;
  const { providerMessageId } = await deps.email.send({
    messageId,
    from: deps.sender.from,
    to: input.to,
    subject,
    html: rendered.html,
    text: rendered.text,
    headers: { 'X-Careflow-Test': 'true' },
    tags: { 'careflow-test': 'true', template: template.id },
  });
  deps.logger.info('test message sent', { messageId, template: template.id });
  return {
    messageId,
    providerMessageId,
    to: input.to,
    subject,
    locale: rendered.locale,
    missingVariables: rendered.missingVariables,
  };
};
