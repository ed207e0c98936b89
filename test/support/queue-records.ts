import type { SQSRecord } from 'aws-lambda';

/** A customer-queue message as Lambda hands it to the processor: received once, in `group`. */
export const queueRecord = (id: string, group: string, body: unknown): SQSRecord => ({
  messageId: id,
  receiptHandle: id,
  body: JSON.stringify(body),
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '0',
    SenderId: 'test',
    ApproximateFirstReceiveTimestamp: '0',
    MessageGroupId: group,
    MessageDeduplicationId: id,
    SequenceNumber: '1',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:local:000000000000:careflow-customers.fifo',
  awsRegion: 'local',
});

/** A shop's bus event of `customerId`, as the router puts it on the customer queue. */
export const busEvent = (
  id: string,
  customerId: string,
  detailType: string,
  detail: Record<string, unknown>,
) => ({
  version: '0',
  id,
  'detail-type': detailType,
  source: 'shop',
  account: '000000000000',
  time: '2026-11-02T09:00:00.000Z',
  region: 'local',
  resources: [],
  detail: { customerId, ...detail },
});
