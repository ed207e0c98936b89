import { Stack, Validations } from 'aws-cdk-lib';
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

/**
 * A policy resource as cdk-nag names it in a finding: the resolved value with each `{ Ref }` as
 * `<Ref>`. Pseudo parameters of an environment-agnostic stack read `<AWS::Region>`; a stack with
 * a pinned account and region has their values there (and the partition's), so an
 * acknowledgement built from the policy's own value matches either way.
 */
export const asNagNames = (scope: IConstruct, value: string): string => {
  const flatten = (node: unknown): string => {
    if (typeof node === 'string') return node;
    if (typeof node === 'object' && node !== null) {
      if ('Ref' in node) return `<${String(node.Ref)}>`;
      const join = 'Fn::Join' in node ? node['Fn::Join'] : undefined;
      if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
        return join[1].map(flatten).join(join[0]);
      }
    }
    throw new Error(`${scope.node.path}: cannot name ${JSON.stringify(node)} as cdk-nag does`);
  };
  return flatten(Stack.of(scope).resolve(value));
};
