/**
 * Names of the stack outputs that operator commands (infra/ops) read with CloudFormation
 * DescribeStacks. Plain data without CDK imports, so the commands load quickly.
 */
export const StackOutput = {
  eventBusName: 'EventBusName',
  eventBusArn: 'EventBusArn',
  apiUrl: 'ApiUrl',
  adminInvokeArn: 'AdminInvokeArn',
  tableName: 'TableName',
  customerQueueUrl: 'CustomerQueueUrl',
  customerDlqUrl: 'CustomerDlqUrl',
  ingestDlqUrl: 'IngestDlqUrl',
  invalidEventsQueueUrl: 'InvalidEventsQueueUrl',
  wakeDlqUrl: 'WakeDlqUrl',
  sesEventsDlqUrl: 'SesEventsDlqUrl',
  feedbackFunctionName: 'FeedbackFunctionName',
  alarmTopicArn: 'AlarmTopicArn',
  dashboardName: 'DashboardName',
  dkimRecords: 'DkimRecords',
  linkSigningSecretArn: 'LinkSigningSecretArn',
  /** The functions that read the link-signing key, comma-separated, those that only verify first. */
  linkKeyFunctions: 'LinkKeyFunctions',
  /** With SMS on: the role to name in the account's SMS attribute `DeliveryStatusIAMRole`. */
  smsDeliveryStatusRoleArn: 'SmsDeliveryStatusRoleArn',
  /** With SMS on: the dead-letter queue of the sms-delivery function, and the function. */
  smsDeliveryDlqUrl: 'SmsDeliveryDlqUrl',
  smsDeliveryFunctionName: 'SmsDeliveryFunctionName',
} as const;

/** The stack name of a stage. */
export const stackNameFor = (stage: string): string => `careflow-${stage}`;
