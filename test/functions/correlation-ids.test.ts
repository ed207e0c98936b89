import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFeedbackHandler } from '../../functions/feedback/handler.js';
import { encodeLogsPayload } from '../../functions/sms-delivery/delivery-record.js';
import { createSmsDeliveryHandler } from '../../functions/sms-delivery/handler.js';
import { lambdaContext } from '../../infra/local/lambda-context.js';
import { createLogger } from '../../shared/adapters/logger.js';
import type { FeedbackFunctionDeps } from '../../shared/adapters/wiring/feedback.js';
import type { SmsDeliveryDeps } from '../../shared/app/record-sms-delivery.js';
import { FakeClock } from '../support/fakes.js';
import { logLines } from '../support/log-lines.js';

afterEach(() => vi.unstubAllEnvs());

describe('correlation ids of the functions that take provider feedback', () => {
  it('the feedback function logs under the EventBridge event id', async () => {
    vi.stubEnv('POWERTOOLS_DEV', '');
    const deps = {
      clock: new FakeClock('2026-11-03T10:05:00.000Z'),
      logger: createLogger({ level: 'INFO' }),
      deadLetters: { keep: async () => {} },
    } as unknown as FeedbackFunctionDeps;
    const handler = createFeedbackHandler(async () => deps);
    const event = { id: 'evt-ses-1', 'detail-type': 'Email Bounced', source: 'aws.ses', detail: {} };

    const { lines } = await logLines(() => handler(event, lambdaContext('feedback')));

    expect(lines).toEqual([expect.objectContaining({ level: 'WARN', correlation_id: 'evt-ses-1' })]);
  });

  it('the sms-delivery function logs each record under its log event id', async () => {
    vi.stubEnv('POWERTOOLS_DEV', '');
    const deps = { logger: createLogger({ level: 'INFO' }) } as unknown as SmsDeliveryDeps;
    const handler = createSmsDeliveryHandler(async () => deps);
    const payload = encodeLogsPayload({
      logGroup: 'sns/eu-west-1/123456789012/DirectPublishToPhoneNumber',
      logEvents: [
        { id: 'log-1', timestamp: 1, message: 'not json' },
        { id: 'log-2', timestamp: 2, message: '{}' },
      ],
    });

    const { lines } = await logLines(() => handler(payload, lambdaContext('sms-delivery')));

    expect(lines.map((l) => [l.message, l.correlation_id])).toEqual([
      ['SMS delivery record dropped', 'log-1'],
      ['SMS delivery record dropped', 'log-2'],
      ['SMS delivery records', undefined],
    ]);
  });
});
