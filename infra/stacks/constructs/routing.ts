import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { BusRoute } from '../../routes.js';

/**
 * CDK's `EventPattern` uses `detailType` where EventBridge's JSON uses `detail-type` (it maps
 * the key back when rendering); every other key is the same. Routes are kept in the JSON form
 * so that the local stack can apply them unchanged.
 */
export const toCdkEventPattern = (pattern: BusRoute['pattern']): events.EventPattern => {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pattern)) {
    out[key === 'detail-type' ? 'detailType' : key] = value;
  }
  return out as events.EventPattern;
};

export interface RoutingProps {
  readonly bus: events.IEventBus;
  readonly route: BusRoute;
  readonly router: lambda.IFunction;
  /** Where events go that EventBridge could not deliver to the router. */
  readonly deadLetterQueue: sqs.IQueue;
}

/** The bus rule that sends customer events to the router Lambda. */
export class Routing extends Construct {
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: RoutingProps) {
    super(scope, id);
    this.rule = new events.Rule(this, 'Rule', {
      eventBus: props.bus,
      // Named: on a custom bus, a rule's Ref is `<bus>|<rule>`, which no metric dimension matches.
      ruleName: 'customer-events',
      description: props.route.description,
      eventPattern: toCdkEventPattern(props.route.pattern),
    });
    this.rule.addTarget(
      new targets.LambdaFunction(props.router, {
        retryAttempts: 8,
        maxEventAge: Duration.hours(6),
        deadLetterQueue: props.deadLetterQueue,
      }),
    );
  }
}
