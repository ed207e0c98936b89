import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { deferralDelaySeconds } from '../../functions/processor/deferral.js';
import { queueUrlOf, SqsMessageVisibility } from '../../shared/adapters/sqs/message-visibility.js';

const sqs = mockClient(SQSClient);
afterEach(() => sqs.reset());

describe('SqsMessageVisibility', () => {
  it('changes the visibility of the received message in the queue its ARN names', async () => {
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    const visibility = new SqsMessageVisibility(async () => new SQSClient({ region: 'eu-west-1' }));
    await visibility.postpone(
      {
        eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:careflow-prod-customers.fifo',
        receiptHandle: 'rh-1',
      },
      480,
    );
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input)).toEqual([
      {
        QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/careflow-prod-customers.fifo',
        ReceiptHandle: 'rh-1',
        VisibilityTimeout: 480,
      },
    ]);
  });

  it('never asks for more than SQS allows', async () => {
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    const visibility = new SqsMessageVisibility(async () => new SQSClient({ region: 'eu-west-1' }));
    await visibility.postpone(
      { eventSourceARN: 'arn:aws:sqs:eu-west-1:1:q.fifo', receiptHandle: 'rh' },
      10 ** 9,
    );
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)[0]?.args[0].input.VisibilityTimeout).toBe(43_200);
  });

  it.each([
    ['arn:aws:sqs:us-east-1:123456789012:q', 'https://sqs.us-east-1.amazonaws.com/123456789012/q'],
    ['arn:aws-cn:sqs:cn-north-1:123456789012:q', 'https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q'],
  ])('knows the URL of %s', (arn, url) => {
    expect(queueUrlOf(arn)).toBe(url);
  });

  it('refuses an ARN that is not a queue', () => {
    expect(() => queueUrlOf('arn:aws:sns:us-east-1:123456789012:topic')).toThrow(/not an SQS queue ARN/);
  });
});

describe('the wait after a deferred send', () => {
  it.each([
    [1, 120],
    [2, 480],
    [3, 1_920],
    [4, 7_680],
    [5, null],
    [6, null],
    [0, 120],
  ])('after %i receives is %s s', (receives, seconds) => {
    expect(deferralDelaySeconds(receives)).toBe(seconds);
  });
});
