import {
  type CloudFormationClient,
  DescribeStacksCommand,
  type DescribeStacksCommandOutput,
} from '@aws-sdk/client-cloudformation';

/** The outputs of a deployed stack, by output key. Throws, naming the stack, when it cannot be read. */
export const readStackOutputs = async (
  client: CloudFormationClient,
  stackName: string,
): Promise<Record<string, string>> => {
  let described: DescribeStacksCommandOutput;
  try {
    described = await client.send(new DescribeStacksCommand({ StackName: stackName }));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot read the outputs of stack ${stackName}: ${reason}`, { cause: error });
  }
  const stack = described.Stacks?.[0];
  if (!stack) throw new Error(`stack ${stackName} was not found`);
  const outputs: Record<string, string> = {};
  for (const output of stack.Outputs ?? []) {
    if (output.OutputKey && output.OutputValue !== undefined) outputs[output.OutputKey] = output.OutputValue;
  }
  return outputs;
};
