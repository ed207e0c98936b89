import { describe, expect, it } from 'vitest';
import { scrubText } from '../../shared/adapters/logger.js';

describe('phone numbers in free text', () => {
  it.each([
    ['a German mobile number', 'call me on 0151 12345678', 'call me on [phone]'],
    ['a German mobile number with a hyphen', 'call me on 0151-12345678', 'call me on [phone]'],
    ['a German mobile number with a slash', 'Tel. 0151/12345678', 'Tel. [phone]'],
    [
      'a number with its area code in parentheses',
      'office (0151) 12345678, ask for Ada',
      'office [phone], ask for Ada',
    ],
    ['a Berlin landline number', 'Festnetz 030 1234567', 'Festnetz [phone]'],
    ['a French number in pairs', 'rappelez le 06 12 34 56 78 svp', 'rappelez le [phone] svp'],
    ['a UK mobile number', 'text 07700 900123.', 'text [phone].'],
    ['a UK landline number', 'ring 020 7946 0958 today', 'ring [phone] today'],
    ['a Dutch mobile number', 'bel 06-12345678', 'bel [phone]'],
    ['a number right after a label', 'tel:0151 12345678', 'tel:[phone]'],
    ['a North American number with parentheses', 'call (555) 010-0199', 'call [phone]'],
    ['a North American number with hyphens', 'call 555-010-0199', 'call [phone]'],
    ['a North American number with dots', 'call 555.010.0199.', 'call [phone].'],
    ['a North American number with spaces', 'call 555 010 0199', 'call [phone]'],
    [
      'North American numbers with the country code',
      'call 1-555-010-0199 or 1 (555) 010-0198',
      'call [phone] or [phone]',
    ],
    [
      'international numbers, as before',
      'call +49 151 12345678 or +1 (555) 010-9999',
      'call [phone] or [phone]',
    ],
    ['an international number with (0)', 'call +49 (0)151 12345678', 'call [phone]'],
    [
      'an international number and the national one after it',
      'to +4915112345678 (0151 12345678)',
      'to [phone] ([phone])',
    ],
    [
      'an international number, but not the time after it',
      'to +4915112345678 2026-11-05T10:00:00Z',
      'to [phone] 2026-11-05T10:00:00Z',
    ],
  ])('masks %s', (_shape, text, masked) => {
    expect(scrubText(text)).toBe(masked);
  });

  it.each([
    ['an ISO time', 'due 2026-11-05T10:00:00.000Z'],
    ['a date and time with a zone', '2026-11-05 10:00:00 +0000'],
    ['a mail date', 'Wed, 05 Nov 2026 10:00:00 +0000'],
    ['an API Gateway time', '05/Nov/2026:09:00:00 +0000'],
    ['dates', '05.11.2026 05/11/2026 2026-11-05 05-11-2026'],
    ['a UUID', 'instance 0b6e1f3a-4c2d-4e8f-9a1b-123456789012'],
    ['a UUID of digits', '12345678-1234-1234-1234-123456789012'],
    ['a message id', '0b6e1f3a-4c2d-4e8f-9a1b-123456789012.invite.1 i-1.invite.1'],
    ['an SES message id', '010201912345abcd-12345678-1234-5678-9abc-def012345678-000000'],
    ['an X-Ray trace id', '1-5759e988-bd862e3fe1be46a994272793'],
    ['epoch seconds and milliseconds', 'expires 1762336800 sent 1762336800000'],
    ['an account id and an ARN', '012345678901 arn:aws:sqs:eu-west-1:012345678901:careflow-customers.fifo'],
    ['an SQS sequence number', '18849496460467696128'],
    ['catalog keys', 'V#000003 INDEX#000000000042#0001'],
    ['durations', 'PT24H took 1234 ms 00:00:05.123'],
    ['amounts', '1,234.56 EUR, EUR 1.234,56, 12345678.90, total 1 234 567'],
    ['counts', 'sent 3 of 10, revision 12, 0 retries'],
    ['IP addresses', '192.168.100.200 and 10.0.0.1:3000'],
    ['SMTP replies', '550 5.1.1 user unknown; 250 2.6.0 Message received'],
    ['a short number', 'call 0151 1234'],
    ['a number written as one run of digits', '015112345678'],
  ])('leaves %s alone', (_what, text) => {
    expect(scrubText(text)).toBe(text);
  });
});
