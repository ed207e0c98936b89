import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ses from 'aws-cdk-lib/aws-ses';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { sesDetailTypes, sesEventRoute } from '../../routes.js';
import { toCdkEventPattern } from './routing.js';

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

/** The EventBridge detail-types of those events, as SES publishes them (`infra/routes.ts`). */
export { sesDetailTypes };

/**
 * The event pattern of SES events about mail sent with one configuration set: the route the local
 * stack applies too (`sesEventRoute` in `infra/routes.ts`), in CDK's form.
 */
export const sesEventPattern = (configurationSetName: string): events.EventPattern =>
  toCdkEventPattern(sesEventRoute(configurationSetName).pattern);

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
        // Named: on a custom bus, a rule's Ref is `<bus>|<rule>`, which no metric dimension matches.
        ruleName: 'ses-events-feedback',
        description: sesEventRoute(name).description,
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
