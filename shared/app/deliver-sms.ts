import { SMS_MAX_LENGTH } from '../domain/guards/send.js';
import { type EmailTemplate, renderTemplate } from '../domain/templates/render.js';
import type { OutgoingSms, SmsSender } from './ports.js';

/**
 * An SMS is the text part of a template, rendered in the customer's locale: a template meant for
 * SMS keeps its text short (160 GSM-7 characters make one message part; 70 with other characters).
 * Blank lines are squeezed and the ends trimmed, since an SMS has no layout.
 */
export const renderSms = (template: EmailTemplate, context: Record<string, unknown>): string =>
  renderTemplate(template, context)
    .text.replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();

/** Whether a rendered SMS may be sent: not empty, not longer than careflow sends. */
export const smsTextProblem = (text: string): 'too-long' | 'empty' | null =>
  text.length === 0 ? 'empty' : text.length > SMS_MAX_LENGTH ? 'too-long' : null;

/** Hand one SMS to the sender; the caller has claimed the message id and settles the outcome. */
export const sendSms = (sender: SmsSender, sms: OutgoingSms): Promise<{ providerMessageId: string }> =>
  sender.send(sms);
