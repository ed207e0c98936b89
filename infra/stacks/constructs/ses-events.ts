import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ses from 'aws-cdk-lib/aws-ses';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** The SES event types careflow listens to (SES sends them for mail sent with the configuration set). */
export const sesEventTypes: readonly ses.EmailSendingEvent[] = [
  ses.EmailSendingEvent.DELIVERY,
  ses.EmailSendingEvent.BOUNCE,
  ses.EmailSendingEvent.COMPLAINT,
  ses.EmailSendingEvent.OPEN,
  ses.EmailSendingEvent.CLICK,
  ses.EmailSendingEvent.REJECT,
  ses.EmailSendingEvent.RENDERING_FAILURE,
];

/** The EventBridge detail-types of those events, as SES publishes them. */
export const sesDetailTypes: readonly string[] = [
  'Email Delivered',
  'Email Bounced',
  'Email Complaint Received',
  'Email Opened',
  'Email Clicked',
  'Email Rejected',
  'Email Rendering Failed',
];

/**
 * The event pattern of SES events about mail sent with one configuration set. SES tags every
 * event with `ses:configuration-set`, so stages that share an account (and other applications'
 * mail) do not see each other's events.
 */
export const sesEventPattern = (configurationSetName: string): events.EventPattern => ({
  source: ['aws.ses'],
  detailType: [...sesDetailTypes],
  detail: { mail: { tags: { 'ses:configuration-set': [configurationSetName] } } },
});

export interface SesEventsProps {
  readonly configurationSet: ses.ConfigurationSet;
  /** The careflow bus that SES events are forwarded to. */
  readonly bus: events.IEventBus;
  /** Where SES events go that could not be forwarded or delivered to the feedback function. */
  readonly deadLetterQueue: sqs.IQueue;
  /** The function that records SES events (suppression, message status). @default none yet */
  readonly feedback?: lambda.IFunction;
}

/**
 * SES events back into careflow. A configuration set's EventBridge destination can only be the
 * account's **default** bus, so: configuration set → default bus → a rule there that forwards
 * this configuration set's events to the careflow bus → (optionally) a careflow-bus rule that
 * invokes the feedback function. Both rules retry and dead-letter into `deadLetterQueue`.
 */
export class SesEvents extends Construct {
  readonly destination: ses.ConfigurationSetEventDestination;
  readonly forwardRule: events.Rule;
  readonly feedbackRule?: events.Rule;

  constructor(scope: Construct, id: string, props: SesEventsProps) {
    super(scope, id);
    const name = props.configurationSet.configurationSetName;
    const defaultBus = events.EventBus.fromEventBusName(this, 'DefaultBus', 'default');

    this.destination = new ses.ConfigurationSetEventDestination(this, 'ToDefaultBus', {
      configurationSet: props.configurationSet,
      destination: ses.EventDestination.eventBus(defaultBus),
      events: [...sesEventTypes],
    });

    this.forwardRule = new events.Rule(this, 'Forward', {
      eventBus: defaultBus,
      description: `SES events of the ${name} configuration set to the careflow bus`,
      eventPattern: sesEventPattern(name),
    });
    // The target role CDK creates may put events on the careflow bus only.
    this.forwardRule.addTarget(new targets.EventBus(props.bus, { deadLetterQueue: props.deadLetterQueue }));

    if (props.feedback) {
      this.feedbackRule = new events.Rule(this, 'Feedback', {
        eventBus: props.bus,
        description: 'SES events (delivery, bounce, complaint, open, click, ...) to the feedback function',
        eventPattern: sesEventPattern(name),
      });
      this.feedbackRule.addTarget(
        new targets.LambdaFunction(props.feedback, {
          retryAttempts: 8,
          maxEventAge: Duration.hours(6),
          deadLetterQueue: props.deadLetterQueue,
        }),
      );
    }
  }
}
