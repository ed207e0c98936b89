// Every example pattern from the Amazon EventBridge user guide pages "Event patterns", "Event pattern
// syntax", "Matching null values and empty strings", "Arrays in event patterns", "Content filtering in
// event patterns" and "Comparison operators", each with events that do and do not match.
import { describe, expect, it } from 'vitest';
import { compilePattern, type EventPattern, validatePattern } from '../../../shared/domain/pattern/index.js';

type Row = [behaviour: string, pattern: EventPattern, event: unknown, matches: boolean];

const ec2Event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

const autoScalingEvent = {
  version: '0',
  id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
  'detail-type': 'EC2 Instance Launch Successful',
  source: 'aws.autoscaling',
  account: '123456789012',
  time: '2015-11-11T21:31:47Z',
  region: 'us-east-1',
  resources: [],
  detail: { eventVersion: '', responseElements: null },
};

const macieEvent = {
  'detail-type': 'Macie Alert',
  source: 'aws.macie',
  resources: ['arn:aws:macie:us-east-1:123456789012:trigger/trigger_id/alert/alert_id'],
  detail: {
    'notification-type': 'ALERT_CREATED',
    tags: ['Custom_Alert', 'Insider'],
    'risk-score': 80,
    trigger: { risk: 8 },
  },
};

/** The sample event the content-filtering examples are written against. */
const filteringEvent = {
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  detail: { 'c-count': 5, 'd-count': 3, 'x-limit': 301.8, 'source-ip': '10.0.0.33', state: 'running' },
};

const withDetail = (detail: Record<string, unknown>) => ({ ...filteringEvent, detail });

const ec2Pattern = {
  source: ['aws.ec2'],
  'detail-type': ['EC2 Instance State-change Notification'],
  detail: { state: ['terminated'] },
};

const eventPatternPages: Row[] = [
  ['matches the EC2 instance-termination event', ec2Pattern, ec2Event, true],
  [
    'does not match the EC2 event when the instance is running',
    ec2Pattern,
    { ...ec2Event, detail: { state: 'running' } },
    false,
  ],
  [
    'matches events from EC2 or Fargate (aws.fargate)',
    { source: ['aws.ec2', 'aws.fargate'] },
    { source: 'aws.fargate' },
    true,
  ],
  [
    'does not match events from other sources',
    { source: ['aws.ec2', 'aws.fargate'] },
    { source: 'aws.s3' },
    false,
  ],
  ['compares strings character by character, without case folding', { source: ['aws.EC2'] }, ec2Event, false],
  [
    'matches a null responseElements',
    {
      source: ['aws.autoscaling'],
      'detail-type': ['EC2 Instance Launch Successful'],
      detail: { responseElements: [null] },
    },
    autoScalingEvent,
    true,
  ],
  ['matches an empty eventVersion', { detail: { eventVersion: [''] } }, autoScalingEvent, true],
  ['does not take null for an empty string', { detail: { responseElements: [''] } }, autoScalingEvent, false],
  ['does not take an empty string for null', { detail: { eventVersion: [null] } }, autoScalingEvent, false],
  [
    'matches a Macie alert with risk score 80 and trigger risk 8',
    {
      source: ['aws.macie'],
      'detail-type': ['Macie Alert'],
      detail: { 'risk-score': [80], trigger: { risk: [8] } },
    },
    macieEvent,
    true,
  ],
  [
    'does not match a Macie alert whose trigger risk is 7',
    {
      source: ['aws.macie'],
      'detail-type': ['Macie Alert'],
      detail: { 'risk-score': [80], trigger: { risk: [8] } },
    },
    { ...macieEvent, detail: { ...macieEvent.detail, trigger: { risk: 7 } } },
    false,
  ],
  [
    'matches when the event array and the pattern array intersect',
    {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    },
    {
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    },
    true,
  ],
  [
    'does not match when the event array and the pattern array share nothing',
    { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f'] },
    { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-other'] },
    false,
  ],
  ['matches a number exactly', { detail: { 'x-limit': [301.8] } }, filteringEvent, true],
  ['does not take a string for a number', { detail: { 'x-limit': ['301.8'] } }, filteringEvent, false],
  [
    'uses the last of duplicate fields (JSON parsing keeps the last)',
    JSON.parse('{"source": ["aws.s3"], "source": ["aws.sns"]}'),
    { source: 'aws.sns' },
    true,
  ],
];

const prefixSuffix: Row[] = [
  ['matches a time that starts with 2017-10-02', { time: [{ prefix: '2017-10-02' }] }, filteringEvent, true],
  [
    'does not match a time on another day',
    { time: [{ prefix: '2017-10-02' }] },
    { time: '2017-10-03T18:43:48Z' },
    false,
  ],
  [
    'matches Auto Scaling events from European regions',
    { source: ['aws.autoscaling'], region: [{ prefix: 'eu-' }] },
    { source: 'aws.autoscaling', region: 'eu-west-1' },
    true,
  ],
  [
    'does not match Auto Scaling events from US regions',
    { source: ['aws.autoscaling'], region: [{ prefix: 'eu-' }] },
    { source: 'aws.autoscaling', region: 'us-east-1' },
    false,
  ],
  ...['EventBridge', 'EVENTBRIDGE', 'eventbridge'].map(
    (service): Row => [
      `matches the service ${service} by a prefix ignoring case`,
      { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
      { detail: { service } },
      true,
    ],
  ),
  [
    'does not match a service with another prefix ignoring case',
    { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    { detail: { service: 'Lambda' } },
    false,
  ],
  [
    'matches a file name that ends with .png',
    { FileName: [{ suffix: '.png' }] },
    { FileName: 'photo.png' },
    true,
  ],
  [
    'does not match a file name that ends with .jpg',
    { FileName: [{ suffix: '.png' }] },
    { FileName: 'photo.jpg' },
    false,
  ],
  [
    'matches a file name that ends with .PNG by a suffix ignoring case',
    { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
    { detail: { FileName: 'photo.PNG' } },
    true,
  ],
  [
    'does not match a .gif by a .png suffix ignoring case',
    { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
    { detail: { FileName: 'photo.gif' } },
    false,
  ],
];

const anythingBut: Row[] = [
  [
    'matches any state but initializing',
    { detail: { state: [{ 'anything-but': 'initializing' }] } },
    filteringEvent,
    true,
  ],
  [
    'does not match the initializing state',
    { detail: { state: [{ 'anything-but': 'initializing' }] } },
    withDetail({ state: 'initializing' }),
    false,
  ],
  ['matches any x-limit but 123', { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, filteringEvent, true],
  [
    'does not match an x-limit of 123',
    { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
    withDetail({ 'x-limit': 123 }),
    false,
  ],
  [
    'matches a state outside the excluded list',
    { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    filteringEvent,
    true,
  ],
  [
    'does not match an excluded state',
    { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    withDetail({ state: 'overloaded' }),
    false,
  ],
  [
    'matches an x-limit outside the excluded numbers',
    { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    filteringEvent,
    true,
  ],
  [
    'does not match an excluded x-limit',
    { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    withDetail({ 'x-limit': 200 }),
    false,
  ],
  [
    'matches a state without the init prefix',
    { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    filteringEvent,
    true,
  ],
  [
    'does not match a state with the init prefix',
    { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    withDetail({ state: 'initializing' }),
    false,
  ],
  [
    'does not match a state with any of the excluded prefixes',
    { detail: { state: [{ 'anything-but': { prefix: ['init', 'error'] } }] } },
    withDetail({ state: 'error-42' }),
    false,
  ],
  [
    'matches a file name without the .txt suffix',
    { detail: { FileName: [{ 'anything-but': { suffix: '.txt' } }] } },
    { detail: { FileName: 'notes.md' } },
    true,
  ],
  [
    'does not match a file name with the .txt suffix',
    { detail: { FileName: [{ 'anything-but': { suffix: '.txt' } }] } },
    { detail: { FileName: 'notes.txt' } },
    false,
  ],
  [
    'does not match an instance id with one of the excluded suffixes',
    { detail: { 'instance-id': [{ 'anything-but': { suffix: ['1234', '6789'] } }] } },
    { detail: { 'instance-id': 'i-0006789' } },
    false,
  ],
  [
    'does not match INITIALIZING when initializing is excluded ignoring case',
    { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] } },
    withDetail({ state: 'INITIALIZING' }),
    false,
  ],
  [
    'matches a state outside the excluded list ignoring case',
    { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'OverLoaded'] } }] } },
    filteringEvent,
    true,
  ],
  [
    'does not match STOPPED when Stopped is excluded ignoring case',
    { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'OverLoaded'] } }] } },
    withDetail({ state: 'STOPPED' }),
    false,
  ],
  [
    'matches a file path outside any lib folder',
    { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
    { detail: { FilePath: '/usr/bin/tool' } },
    true,
  ],
  [
    'does not match a file path inside a lib folder',
    { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
    { detail: { FilePath: '/usr/lib/tool' } },
    false,
  ],
  [
    'does not match a file path inside a bin folder when lib and bin are excluded',
    { detail: { FilePath: [{ 'anything-but': { wildcard: ['*/lib/*', '*/bin/*'] } }] } },
    { detail: { FilePath: '/usr/bin/tool' } },
    false,
  ],
  [
    'matches every event but CloudTrail API calls',
    { 'detail-type': [{ 'anything-but': 'AWS API Call via CloudTrail' }] },
    filteringEvent,
    true,
  ],
  [
    'does not match CloudTrail API calls',
    { 'detail-type': [{ 'anything-but': 'AWS API Call via CloudTrail' }] },
    { 'detail-type': 'AWS API Call via CloudTrail' },
    false,
  ],
  [
    'matches events not from EC2 or S3',
    { source: [{ 'anything-but': ['aws.ec2', 'aws.s3'] }] },
    { source: 'aws.lambda' },
    true,
  ],
  [
    'does not match events from S3',
    { source: [{ 'anything-but': ['aws.ec2', 'aws.s3'] }] },
    { source: 'aws.s3' },
    false,
  ],
  [
    'matches your own events (source not starting with aws.)',
    { source: [{ 'anything-but': { prefix: 'aws.' } }] },
    { source: 'com.mycompany.orders' },
    true,
  ],
  ['does not match AWS events', { source: [{ 'anything-but': { prefix: 'aws.' } }] }, ec2Event, false],
];

const numericPattern = {
  detail: {
    'c-count': [{ numeric: ['>', 0, '<=', 5] }],
    'd-count': [{ numeric: ['<', 10] }],
    'x-limit': [{ numeric: ['=', 3.018e2] }],
  },
};

const numericIpExists: Row[] = [
  ['matches when every numeric condition holds', numericPattern, filteringEvent, true],
  [
    'does not match when c-count is 0 (the lower bound is open)',
    numericPattern,
    withDetail({ ...filteringEvent.detail, 'c-count': 0 }),
    false,
  ],
  [
    'does not match when d-count is 10',
    numericPattern,
    withDetail({ ...filteringEvent.detail, 'd-count': 10 }),
    false,
  ],
  [
    'does not match when x-limit is not 301.8',
    numericPattern,
    withDetail({ ...filteringEvent.detail, 'x-limit': 301.9 }),
    false,
  ],
  [
    'matches a source address inside 10.0.0.0/24',
    { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
    { detail: { sourceIPAddress: '10.0.0.33' } },
    true,
  ],
  [
    'does not match a source address outside 10.0.0.0/24',
    { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
    { detail: { sourceIPAddress: '10.0.1.33' } },
    false,
  ],
  [
    'matches an event without detail.c-count',
    { detail: { 'c-count': [{ exists: false }] } },
    {
      'detail-type': ['EC2 Instance State-change Notification'],
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341'],
      detail: { state: ['initializing', 'running'] },
    },
    true,
  ],
  [
    'matches an event whose c-count is an object, as exists only looks at leaves',
    { detail: { 'c-count': [{ exists: false }] } },
    {
      'detail-type': ['EC2 Instance State-change Notification'],
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341'],
      detail: { state: ['initializing', 'running'], 'c-count': { c1: 100 } },
    },
    true,
  ],
  [
    'does not match an event that has c-count',
    { detail: { 'c-count': [{ exists: false }] } },
    filteringEvent,
    false,
  ],
  [
    'matches an event that has a description',
    { detail: { description: [{ exists: true }] } },
    { detail: { description: 'Low disk space' } },
    true,
  ],
  [
    'does not match an event without a description',
    { detail: { description: [{ exists: true }] } },
    filteringEvent,
    false,
  ],
];

const ignoreCaseWildcard: Row[] = [
  [
    'matches a detail-type ignoring case',
    { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] },
    filteringEvent,
    true,
  ],
  [
    'does not match another detail-type ignoring case',
    { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance launch' }] },
    filteringEvent,
    false,
  ],
  [
    'matches an event bus ARN by wildcards',
    { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
    { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/default' },
    true,
  ],
  [
    'does not match an event bus in another region',
    { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
    { EventBusArn: 'arn:aws:events:us-west-2:123456789012:event-bus/default' },
    false,
  ],
  [
    'matches a .png file in the dir folder',
    { FileName: [{ wildcard: 'dir/*.png' }] },
    { FileName: 'dir/cat.png' },
    true,
  ],
  [
    'does not match a .png file in another folder',
    { FileName: [{ wildcard: 'dir/*.png' }] },
    { FileName: 'other/cat.png' },
    false,
  ],
  [
    'does not match a .jpg file in the dir folder',
    { FileName: [{ wildcard: 'dir/*.png' }] },
    { FileName: 'dir/cat.jpg' },
    false,
  ],
];

const complexPattern = {
  time: [{ prefix: '2017-10-02' }],
  detail: {
    state: [{ 'anything-but': 'initializing' }],
    'c-count': [{ numeric: ['>', 0, '<=', 5] }],
    'd-count': [{ numeric: ['<', 10] }],
    'x-limit': [{ 'anything-but': [100, 200, 300] }],
  },
};

const orByCount = {
  detail: {
    $or: [
      { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
      { 'd-count': [{ numeric: ['<', 10] }] },
      { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
    ],
  },
};

const orCloudWatch = {
  source: ['aws.cloudwatch'],
  $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
};

const complex: Row[] = [
  ['matches when anything-but, numeric and prefix all hold', complexPattern, filteringEvent, true],
  [
    'does not match when one of them fails (state)',
    complexPattern,
    withDetail({ ...filteringEvent.detail, state: 'initializing' }),
    false,
  ],
  [
    'matches with a source-ip inside 10.0.0.0/8 as well',
    { ...complexPattern, detail: { ...complexPattern.detail, 'source-ip': [{ cidr: '10.0.0.0/8' }] } },
    filteringEvent,
    true,
  ],
  [
    'matches when only d-count satisfies the $or',
    orByCount,
    withDetail({ 'c-count': 9, 'd-count': 3 }),
    true,
  ],
  ['matches when only x-limit satisfies the $or', orByCount, withDetail({ 'x-limit': 301.8 }), true],
  [
    'does not match when no $or branch holds',
    orByCount,
    withDetail({ 'c-count': 9, 'd-count': 30, 'x-limit': 1 }),
    false,
  ],
  [
    'matches a CloudWatch event by metric name',
    orCloudWatch,
    { source: 'aws.cloudwatch', metricName: 'ReadLatency' },
    true,
  ],
  [
    'matches a CloudWatch event by namespace',
    orCloudWatch,
    { source: 'aws.cloudwatch', namespace: 'AWS/ES' },
    true,
  ],
  [
    'does not match a CloudWatch event with neither',
    orCloudWatch,
    { source: 'aws.cloudwatch', metricName: 'Other' },
    false,
  ],
  [
    'does not match another source even if the $or holds',
    orCloudWatch,
    { source: 'aws.ec2', namespace: 'AWS/ES' },
    false,
  ],
];

const operatorsTable: Row[] = [
  [
    'matches Location New York and Day Monday',
    { Location: ['New York'], Day: ['Monday'] },
    { Location: 'New York', Day: 'Monday' },
    true,
  ],
  [
    'needs both fields for an AND',
    { Location: ['New York'], Day: ['Monday'] },
    { Location: 'New York', Day: 'Friday' },
    false,
  ],
  [
    'matches Region outside the US',
    { Region: [{ 'anything-but': { prefix: 'us-' } }] },
    { Region: 'eu-west-1' },
    true,
  ],
  ['matches Region in the US', { Region: [{ prefix: 'us-' }] }, { Region: 'us-east-2' }, true],
  [
    'does not match a .png file name with anything-but suffix .png',
    { FileName: [{ 'anything-but': { suffix: '.png' } }] },
    { FileName: 'a.png' },
    false,
  ],
  [
    'matches a service starting with eventb regardless of case',
    { service: [{ prefix: { 'equals-ignore-case': 'eventb' } }] },
    { service: 'EventBridge' },
    true,
  ],
  [
    'matches a service ending with tbridge regardless of case',
    { service: [{ suffix: { 'equals-ignore-case': 'tbridge' } }] },
    { service: 'EVENTBRIDGE' },
    true,
  ],
  ['matches an empty LastName', { LastName: [''] }, { LastName: '' }, true],
  ['matches Name Alice', { Name: ['Alice'] }, { Name: 'Alice' }, true],
  [
    'matches Name ALICE ignoring case',
    { Name: [{ 'equals-ignore-case': 'alice' }] },
    { Name: 'ALICE' },
    true,
  ],
  ['matches when ProductName exists', { ProductName: [{ exists: true }] }, { ProductName: 'Widget' }, true],
  ['matches when ProductName does not exist', { ProductName: [{ exists: false }] }, { Price: 100 }, true],
  [
    'matches weather anything but Raining',
    { Weather: [{ 'anything-but': ['Raining'] }] },
    { Weather: 'Sunny' },
    true,
  ],
  [
    'does not match Raining weather',
    { Weather: [{ 'anything-but': ['Raining'] }] },
    { Weather: 'Raining' },
    false,
  ],
  ['matches a null UserID', { UserID: [null] }, { UserID: null }, true],
  ['matches a Price of 100', { Price: [{ numeric: ['=', 100] }] }, { Price: 100 }, true],
  ['matches a Price of 20 in (10, 20]', { Price: [{ numeric: ['>', 10, '<=', 20] }] }, { Price: 20 }, true],
  [
    'does not match a Price of 10 in (10, 20]',
    { Price: [{ numeric: ['>', 10, '<=', 20] }] },
    { Price: 10 },
    false,
  ],
  [
    'matches PaymentType Credit or Debit',
    { PaymentType: ['Credit', 'Debit'] },
    { PaymentType: 'Debit' },
    true,
  ],
  [
    'matches Location New York or Day Monday',
    { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] },
    { Location: 'Boston', Day: 'Monday' },
    true,
  ],
  [
    'matches any .png file within dir',
    { FileName: [{ wildcard: 'dir/*.png' }] },
    { FileName: 'dir/sub/a.png' },
    true,
  ],
];

describe('EventBridge documentation examples', () => {
  describe.each([
    ['event patterns, syntax, null values and arrays', eventPatternPages],
    ['prefix and suffix matching', prefixSuffix],
    ['anything-but matching', anythingBut],
    ['numeric, IP address and exists matching', numericIpExists],
    ['equals-ignore-case and wildcard matching', ignoreCaseWildcard],
    ['complex and $or examples', complex],
    ['comparison operators table', operatorsTable],
  ])('%s', (_section, rows) => {
    it.each(rows)('%s', (_behaviour, pattern, event, matches) => {
      expect(validatePattern(pattern)).toEqual([]);
      expect(compilePattern(pattern)(event)).toBe(matches);
    });
  });
});
