import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges a cdk-nag AWS Solutions finding on `construct` (and the resources below it),
 * with the reason written next to the code that causes it.
 *
 * `rule` is the rule id with its finding, as cdk-nag reports it: `AwsSolutions-L1`, or
 * `AwsSolutions-IAM5[Resource::...]` for one finding of a rule that reports several. The
 * id is qualified with the plugin namespace (`AwsSolutions::`), the form CDK's validation
 * report asks for, so it cannot also silence an unrelated construct annotation.
 */
export const acknowledgeNag = (
  construct: IConstruct,
  rule: `AwsSolutions-${string}`,
  reason: string,
): void => {
  Validations.of(construct).acknowledge({ id: `AwsSolutions::${rule}`, reason });
};
