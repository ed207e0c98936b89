import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { lambdaBundling, lambdaNodeOptions } from '../bundling.js';
import { acknowledgeNag } from '../nag.js';
import { projectPath } from '../paths.js';

export interface CareflowFunctionProps {
  /** Entry file, relative to the project root, e.g. `functions/router/handler.ts`. */
  readonly entry: string;
  readonly description: string;
  readonly environment: Record<string, string>;
  readonly memorySize?: number;
  readonly timeout?: Duration;
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  /** Active X-Ray tracing. */
  readonly tracing: boolean;
  /** Service name that Powertools puts on every log line and metric. */
  readonly serviceName: string;
  /** CloudWatch namespace of the function's EMF metrics (Powertools Metrics). */
  readonly metricsNamespace: string;
  /**
   * Keep Lambda's own START/END/REPORT records (about 260 bytes per invocation, a third of the
   * log volume). @default false: they are dropped (system log level WARN); Lambda's metrics
   * still report duration, errors and throttles.
   */
  readonly platformLogs?: boolean;
}

/**
 * A careflow Lambda: Node.js 22 on arm64, bundled locally by esbuild into one minified ESM file
 * that includes the AWS SDK v3 (so the SDK version is the one the tests ran with), its own log
 * group with retention, and its own role that may write only to that log group. The role starts
 * empty: every other permission is granted explicitly by the stack.
 */
export class CareflowFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  /** The `service` of its log lines and the dimension of its metrics. */
  readonly serviceName: string;

  constructor(scope: Construct, id: string, props: CareflowFunctionProps) {
    super(scope, id);
    this.serviceName = props.serviceName;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });

    // Own role instead of the AWSLambdaBasicExecutionRole managed policy, which allows
    // writing to every log group of the account.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.serviceName}`,
    });
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Function', {
      entry: projectPath(props.entry),
      handler: 'handler',
      projectRoot: projectPath('.'),
      depsLockFilePath: projectPath('package-lock.json'),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      // JSON records with levels: Powertools' lines pass as they are (and it honours the
      // application log level); platform records below WARN are dropped unless asked for.
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: props.platformLogs ? lambda.SystemLogLevel.INFO : lambda.SystemLogLevel.WARN,
      tracing: props.tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      environment: {
        ...props.environment,
        NODE_OPTIONS: lambdaNodeOptions,
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: lambdaBundling.target,
        mainFields: [...lambdaBundling.mainFields],
        minify: lambdaBundling.minify,
        sourceMap: lambdaBundling.sourceMap,
        sourcesContent: lambdaBundling.sourcesContent,
        banner: lambdaBundling.banner,
        // Bundle everything, the AWS SDK v3 included (versions stay pinned by the lock file),
        // except the credential providers Lambda never loads (see infra/stacks/bundling.ts).
        externalModules: [...lambdaBundling.external],
        forceDockerBundling: false,
      },
    });

    acknowledgeNag(
      this.fn,
      'AwsSolutions-L1',
      'Pinned to nodejs22.x on purpose: the tests and the local stack run on the Node 22 devDependency, so the deployed runtime is the tested one. Moving to Node 24 is a decision record, not a drive-by.',
    );
    if (props.tracing) {
      acknowledgeNag(
        this.role,
        'AwsSolutions-IAM5[Resource::*]',
        'X-Ray PutTraceSegments/PutTelemetryRecords do not support resource-level permissions; added by CDK only when tracing is on.',
      );
    }
  }
}
