import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface SchedulingProps {
  readonly resourcePrefix: string;
  /** The queue that wake-up schedules deliver to. */
  readonly customerQueue: sqs.IQueue;
  /** Where EventBridge Scheduler puts wake-ups it could not deliver after its retries. */
  readonly deadLetterQueue: sqs.IQueue;
}

/**
 * Journey waits: the processor creates one-time EventBridge Scheduler schedules in this
 * group; each delivers a wake-up to the customer queue through `role`, the only identity
 * allowed to act for the scheduler. A wake Scheduler cannot deliver (after 185 attempts within
 * 24 hours) goes to `deadLetterQueue`, through the same role.
 */
export class Scheduling extends Construct {
  readonly group: scheduler.ScheduleGroup;
  /** Role that EventBridge Scheduler assumes to deliver wake-ups. */
  readonly role: iam.Role;
  readonly deadLetterQueue: sqs.IQueue;

  constructor(scope: Construct, id: string, props: SchedulingProps) {
    super(scope, id);

    this.group = new scheduler.ScheduleGroup(this, 'Group', {
      scheduleGroupName: props.resourcePrefix,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const stack = Stack.of(this);
    this.role = new iam.Role(this, 'Role', {
      description: 'Assumed by EventBridge Scheduler to deliver careflow wake-ups to the customer queue',
      // Confused-deputy guard: only schedules of this account's careflow group may use the role.
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnEquals: { 'aws:SourceArn': this.group.scheduleGroupArn },
        },
      }),
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DeliverWakeUps',
        actions: ['sqs:SendMessage'],
        resources: [props.customerQueue.queueArn],
      }),
    );
    this.deadLetterQueue = props.deadLetterQueue;
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DeadLetterUndeliveredWakeUps',
        actions: ['sqs:SendMessage'],
        resources: [props.deadLetterQueue.queueArn],
      }),
    );
  }

  /** ARN pattern of every schedule in the group (schedule names are chosen at run time). */
  get schedulesArn(): string {
    return Stack.of(this).formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${this.group.scheduleGroupName}/*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  }

  /**
   * Lets `grantee` create and delete one-time schedules in the group, and pass the scheduler
   * role (to EventBridge Scheduler only).
   */
  grantManageSchedules(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ManageWakeUpSchedules',
        actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
        resources: [this.schedulesArn],
      }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PassSchedulerRole',
        actions: ['iam:PassRole'],
        resources: [this.role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
  }
}
