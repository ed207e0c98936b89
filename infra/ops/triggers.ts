#!/usr/bin/env node
// Completes the journey trigger items after an upgrade, and keeps the catalog's index snapshot.
// See docs/operations.md, "Upgrading".
//   npm run triggers -- complete [--stage prod]
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { DynamoJourneyStore } from '../../shared/adapters/dynamodb/journey-store.js';
import { StackOutput, stackNameFor } from '../stacks/outputs.js';
import { parseCommandLine, runAsCommand, runCommand, UsageError } from './command.js';
import { readStackOutputs } from './stack-outputs.js';

export const usage = `Usage: npm run triggers -- complete [options]

  complete    give every active journey published by a release before trigger items its
              trigger item, then let the engine read trigger items at a cold start
              (decisions 0078, 0080); then keep the index snapshot the engine loads
              at a cold start (decision 0082), made anew from the trigger items: run
              it after an upgrade, or after editing trigger items by hand

Options:
  --stage <stage>        stack careflow-<stage> (default dev); its outputs name the table
  --stack-name <name>    another stack name
  --table <name>         the table, instead of the stack output
  --region <region>      AWS region (default: the AWS_REGION / profile region)
`;

export interface TriggersOptions {
  stackName: string;
  tableName?: string;
  region?: string;
}

export interface TriggersClients {
  cloudFormation: CloudFormationClient;
  doc: DynamoDBDocumentClient;
}

/** The command line as options; throws UsageError with what is wrong. */
export const parseTriggersArgs = (argv: string[]): TriggersOptions => {
  const { values, positionals } = parseCommandLine(argv, {
    stage: { type: 'string', default: 'dev' },
    'stack-name': { type: 'string' },
    table: { type: 'string' },
    region: { type: 'string' },
  });
  if (positionals.length !== 1 || positionals[0] !== 'complete') {
    throw new UsageError(positionals.length === 0 ? '' : `unknown action: ${positionals.join(' ')}`);
  }
  const text = (name: string): string | undefined => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  return {
    stackName: text('stack-name') ?? stackNameFor(text('stage') ?? 'dev'),
    ...(text('table') ? { tableName: text('table') } : {}),
    ...(text('region') ? { region: text('region') } : {}),
  };
};

/** Completes the trigger items; returns the lines to print. */
export const completeTriggers = async (
  options: TriggersOptions,
  clients: TriggersClients,
): Promise<string[]> => {
  let tableName = options.tableName;
  if (!tableName) {
    const outputs = await readStackOutputs(clients.cloudFormation, options.stackName);
    tableName = outputs[StackOutput.tableName];
    if (!tableName) throw new Error(`stack ${options.stackName} has no output ${StackOutput.tableName}`);
  }
  const store = new DynamoJourneyStore({ doc: clients.doc, tableName });
  const before = await store.listTriggers();
  const lines: string[] = [];
  if (before !== undefined) {
    lines.push(`trigger items of ${tableName} are complete: ${before.length} active journeys`);
  } else {
    await store.completeTriggerItems();
    const after = (await store.listTriggers()) ?? [];
    lines.push(`trigger items of ${tableName} completed: ${after.length} active journeys`);
  }
  const stamp = await store.refreshCatalogSnapshot();
  lines.push(
    `index snapshot kept for catalog stamp ${stamp}`,
    '  containers load it from their next catalog refresh (within a minute)',
  );
  return lines;
};

/** The command: returns the exit code (0 done, 1 failed, 2 usage). */
export const main = (
  argv: string[],
  makeClients: (region?: string) => TriggersClients,
  print: (text: string) => void,
): Promise<number> =>
  runCommand(argv, print, {
    usage,
    parse: parseTriggersArgs,
    name: () => 'triggers complete',
    run: async (options) => ({
      text: (await completeTriggers(options, makeClients(options.region))).join('\n'),
    }),
  });

if (runAsCommand(import.meta.url)) {
  const makeClients = (region?: string): TriggersClients => {
    const config = region ? { region } : {};
    return {
      cloudFormation: new CloudFormationClient(config),
      doc: createDocumentClient(new DynamoDBClient(config)),
    };
  };
  process.exitCode = await main(process.argv.slice(2), makeClients, (text) => console.log(text));
}
