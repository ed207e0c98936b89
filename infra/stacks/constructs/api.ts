import type { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type HttpRouteSpec, httpRoutes } from '../../routes.js';
import { acknowledgeNag } from '../nag.js';

export interface ApiProps {
  readonly resourcePrefix: string;
  /** The function behind each route target of `infra/routes.ts`. */
  readonly functions: Readonly<Record<HttpRouteSpec['target'], lambda.IFunction>>;
  /** Steady-state requests per second of the stage's routes (the admin routes keep these). */
  readonly rateLimit: number;
  readonly burstLimit: number;
  /**
   * Throttling of each public route (survey and unsubscribe pages), in place of the stage's,
   * so a flood of public requests is refused at these limits and leaves the admin routes theirs.
   * @default publicRouteThrottle
   */
  readonly publicThrottle?: { readonly rateLimit: number; readonly burstLimit: number };
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
}

/**
 * Each public route's own limits: people open and answer survey and unsubscribe pages one at a
 * time, so a busy hour after a large send stays far below them.
 */
export const publicRouteThrottle = { rateLimit: 20, burstLimit: 40 } as const;

/**
 * Access log line. The route key (`GET /surveys/{token}`) is logged instead of the path, so
 * survey tokens and customer ids do not end up in the logs; no client IP or user agent either.
 * The caller's IAM identity is logged for the admin routes.
 */
const accessLogFormat = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    routeKey: '$context.routeKey',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationLatency: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    caller: '$context.identity.userArn',
  }),
);

/**
 * The HTTP API with the routes of `infra/routes.ts`: public survey routes (the signed token in
 * the path is the capability) and admin routes behind IAM authorization (SigV4,
 * `execute-api:Invoke`).
 */
export class Api extends Construct {
  readonly httpApi: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly accessLogs: logs.LogGroup;
  readonly publicRoutes: apigw.HttpRoute[] = [];
  readonly iamRoutes: apigw.HttpRoute[] = [];

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);

    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      apiName: props.resourcePrefix,
      description: 'careflow: surveys (public) and admin (IAM)',
      // The default stage is added below, with throttling and access logging.
      createDefaultStage: false,
    });

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });

    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit, burstLimit: props.burstLimit },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        format: accessLogFormat,
      },
    });

    const integrations = Object.fromEntries(
      Object.entries(props.functions).map(([target, fn]) => [target, new HttpLambdaIntegration(target, fn)]),
    ) as Record<HttpRouteSpec['target'], HttpLambdaIntegration>;
    const iam = new HttpIamAuthorizer();
    const publicRouteKeys: string[] = [];
    for (const spec of httpRoutes) {
      const [route] = this.httpApi.addRoutes({
        path: spec.path,
        methods: [apigw.HttpMethod[spec.method]],
        integration: integrations[spec.target],
        ...(spec.auth === 'iam' ? { authorizer: iam } : {}),
      });
      if (!route) throw new Error(`no route created for ${spec.method} ${spec.path}`);
      if (spec.auth === 'none') {
        acknowledgeNag(route, 'AwsSolutions-APIG4', `Public by design. ${spec.publicBecause}`);
        this.publicRoutes.push(route);
        publicRouteKeys.push(`${spec.method} ${spec.path}`);
      } else {
        this.iamRoutes.push(route);
      }
    }
    // Never above the stage's own limits: an operator who lowers those lowers every route.
    const publicLimits = props.publicThrottle ?? publicRouteThrottle;
    this.throttlePublicRoutes(publicRouteKeys, {
      rateLimit: Math.min(publicLimits.rateLimit, props.rateLimit),
      burstLimit: Math.min(publicLimits.burstLimit, props.burstLimit),
    });
  }

  /**
   * Route settings of the stage for each public route (the stage's `RouteSettings`, which the
   * L2 stage does not expose; a JSON property, so CloudFormation's names). A route's settings
   * name its route key, which must exist first.
   */
  private throttlePublicRoutes(
    routeKeys: readonly string[],
    limits: { rateLimit: number; burstLimit: number },
  ): void {
    const stage = this.stage.node.defaultChild as apigw.CfnStage;
    stage.routeSettings = Object.fromEntries(
      routeKeys.map((key) => [
        key,
        { ThrottlingRateLimit: limits.rateLimit, ThrottlingBurstLimit: limits.burstLimit },
      ]),
    );
    for (const route of this.publicRoutes) stage.node.addDependency(route);
  }

  /** Base URL of the API (the default stage), ending without a slash. */
  get url(): string {
    return this.httpApi.apiEndpoint;
  }
}
