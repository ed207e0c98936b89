import { randomUUID } from 'node:crypto';
import type { WireResponse } from './aws-wire.js';
import type { LocalSmsOutbox } from './sms-outbox.js';

/**
 * The slice of Amazon SNS careflow uses, on SNS's own wire protocol (AWS query: a form-encoded
 * `Action=...&Version=2010-03-31` request, an XML answer), so the real `SNSClient` works
 * unchanged against the local stack: `Publish` to a phone number, `CheckIfPhoneNumberIsOptedOut`,
 * and `OptInPhoneNumber`.
 */

const NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';

const escapeXml = (text: string): string => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

const xml = (status: number, body: string): WireResponse => ({
  status,
  headers: { 'content-type': 'text/xml' },
  body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}`,
});

/** `<{Action}Response><{Action}Result>…</{Action}Result><ResponseMetadata>…` as SNS answers. */
const result = (action: string, fields: string): WireResponse =>
  xml(
    200,
    `<${action}Response xmlns="${NAMESPACE}"><${action}Result>${fields}</${action}Result>` +
      `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`,
  );

/** SNS's error answer; the SDK turns `Code` into the error's name. */
export const snsError = (status: number, code: string, message: string): WireResponse =>
  xml(
    status,
    `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>Sender</Type><Code>${code}</Code>` +
      `<Message>${escapeXml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );

const E164 = /^\+[1-9]\d{1,14}$/;

/** `MessageAttributes.entry.N.Name` / `.Value.StringValue` (or `.BinaryValue`), by name. */
const messageAttributes = (form: URLSearchParams): Record<string, string> => {
  const attributes: Record<string, string> = {};
  for (const [key, name] of form) {
    const entry = /^MessageAttributes\.entry\.(\d+)\.Name$/.exec(key)?.[1];
    if (!entry) continue;
    const value = `MessageAttributes.entry.${entry}.Value`;
    attributes[name] = form.get(`${value}.StringValue`) ?? form.get(`${value}.BinaryValue`) ?? '';
  }
  return attributes;
};

const invalidPhoneNumber = (name: string, value: string): WireResponse =>
  snsError(
    400,
    'InvalidParameter',
    `Invalid parameter: ${name} Reason: ${value ? `${value} is not an E.164 phone number` : 'is required'}`,
  );

/** Answer one AWS query request to SNS. */
export const handleSnsQuery = (body: string, outbox: LocalSmsOutbox): WireResponse => {
  const form = new URLSearchParams(body);
  const action = form.get('Action') ?? '';
  switch (action) {
    case 'Publish': {
      if (form.get('TopicArn') || form.get('TargetArn')) {
        return snsError(
          400,
          'InvalidParameter',
          'Invalid parameter: TopicArn or TargetArn Reason: the local stack publishes to phone numbers only',
        );
      }
      const phoneNumber = form.get('PhoneNumber') ?? '';
      if (!E164.test(phoneNumber)) return invalidPhoneNumber('PhoneNumber', phoneNumber);
      const message = form.get('Message') ?? '';
      if (message === '') return snsError(400, 'InvalidParameter', 'Invalid parameter: Empty message');
      const sms = outbox.publish({ phoneNumber, message, attributes: messageAttributes(form) });
      return result('Publish', `<MessageId>${sms.messageId}</MessageId>`);
    }
    case 'CheckIfPhoneNumberIsOptedOut':
    case 'OptInPhoneNumber': {
      const phoneNumber = form.get('phoneNumber') ?? '';
      if (!E164.test(phoneNumber)) return invalidPhoneNumber('phoneNumber', phoneNumber);
      if (action === 'OptInPhoneNumber') {
        outbox.optIn(phoneNumber);
        return result(action, '');
      }
      return result(action, `<isOptedOut>${outbox.isOptedOut(phoneNumber)}</isOptedOut>`);
    }
    default:
      return snsError(400, 'InvalidAction', `${action || 'Action'} is not supported locally`);
  }
};
