import { describe, expect, it } from 'vitest';
import { DynamoContactCounter } from '../../shared/adapters/dynamodb/contact-counter.js';
import { DynamoEntryCounter } from '../../shared/adapters/dynamodb/entry-counter.js';
import { DynamoJourneyStats } from '../../shared/adapters/dynamodb/journey-stats.js';
import { DynamoSuppressionList } from '../../shared/adapters/dynamodb/suppression-list.js';
import { engineDeps } from '../../shared/adapters/wiring/processor.js';
import { loadConfig } from '../../shared/config/config.js';
import { FakeClock, silentLogger } from '../support/fakes.js';

const env = {
  AWS_REGION: 'eu-west-1',
  CAREFLOW_TABLE_NAME: 'careflow',
  CAREFLOW_CUSTOMER_QUEUE_ARN: 'arn:aws:sqs:eu-west-1:000000000000:careflow-customers.fifo',
  CAREFLOW_SCHEDULER_ROLE_ARN: 'arn:aws:iam::000000000000:role/careflow-scheduler',
  CAREFLOW_SIGNING_SECRET: 'a-signing-secret-of-enough-length',
};
const wiring = { clock: new FakeClock('2026-11-02T09:00:00.000Z'), logger: silentLogger };

describe("the processor's composition root", () => {
  it('wires every send guard, the entry counter and the journey figures, with the default contact policy', async () => {
    const deps = await engineDeps(loadConfig(env), wiring);
    expect(deps.stats).toBeInstanceOf(DynamoJourneyStats);
    expect(deps.suppressions).toBeInstanceOf(DynamoSuppressionList);
    expect(deps.contacts).toBeInstanceOf(DynamoContactCounter);
    expect(deps.entries).toBeInstanceOf(DynamoEntryCounter);
    expect(deps.policy).toEqual({
      frequencyCap: { max: 3, window: 'P7D' },
      quietHours: { start: '21:00', end: '08:00' },
      defaultTimeZone: 'UTC',
    });
  });

  it('takes the frequency cap, quiet hours and default time zone from the configuration', async () => {
    const deps = await engineDeps(
      loadConfig({
        ...env,
        CAREFLOW_FREQUENCY_CAP: '2/P3D',
        CAREFLOW_QUIET_HOURS: '22:30-07:00',
        CAREFLOW_DEFAULT_TIME_ZONE: 'Europe/Berlin',
      }),
      wiring,
    );
    expect(deps.policy).toEqual({
      frequencyCap: { max: 2, window: 'P3D' },
      quietHours: { start: '22:30', end: '07:00' },
      defaultTimeZone: 'Europe/Berlin',
    });
  });

  it('has an SMS channel only when the deployment names a sender id or an origination number', async () => {
    expect((await engineDeps(loadConfig(env), wiring)).sms).toBeUndefined();
    expect(
      (await engineDeps(loadConfig({ ...env, CAREFLOW_SMS_SENDER_ID: 'Careflow' }), wiring)).sms,
    ).toBeDefined();
  });
});
