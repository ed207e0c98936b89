import { readFileSync } from 'node:fs';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { buildCareflowApp } from '../../infra/stacks/app.js';
import type { CareflowStack, CareflowStackProps } from '../../infra/stacks/careflow-stack.js';
import type { CareflowFunction } from '../../infra/stacks/constructs/careflow-function.js';
import { projectPath } from '../../infra/stacks/paths.js';

/**
 * The context of cdk.json (feature flags and defaults), so the tests synthesize what
 * `cdk synth` and `cdk deploy` do.
 */
export const cdkJsonContext = (): Record<string, unknown> =>
  (JSON.parse(readFileSync(projectPath('cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

/**
 * Bundling is skipped (`aws:cdk:bundling-stacks: []`): NodejsFunction then stages the source
 * folder without running esbuild, so these tests take seconds. `npm run synth` bundles for real.
 */
const noBundling = { 'aws:cdk:bundling-stacks': [] };

export interface Built {
  app: App;
  stack: CareflowStack;
}

export const build = (
  options: { nag?: boolean; context?: Record<string, unknown>; overrides?: Partial<CareflowStackProps> } = {},
): Built => {
  const app = new App({ context: { ...cdkJsonContext(), ...noBundling, ...options.context } });
  const stack = buildCareflowApp(app, {
    nag: options.nag ?? false,
    ...(options.overrides ? { overrides: options.overrides } : {}),
  });
  return { app, stack };
};

export type Json = Record<string, unknown>;
export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Json;
  Sid?: string;
  Principal?: unknown;
}

export const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
export const resourcesOf = (s: Statement): unknown[] =>
  Array.isArray(s.Resource) ? s.Resource : [s.Resource];

/** Identity-policy statements by the logical id of the policy. */
export const policyStatements = (template: Template): Map<string, Statement[]> => {
  const out = new Map<string, Statement[]>();
  for (const [id, policy] of Object.entries(template.findResources('AWS::IAM::Policy'))) {
    const doc = (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties
      .PolicyDocument;
    out.set(id, doc.Statement);
  }
  return out;
};

/** Logical id of a construct's CloudFormation resource (its default child, or itself). */
export const idOf = (construct: IConstruct): string => {
  const resource = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).getLogicalId(resource);
};

/** Logical id of the default policy of a role. */
export const policyIdOf = (role: iam.IRole): string => {
  const policy = role.node.tryFindChild('DefaultPolicy');
  if (!policy) throw new Error(`${role.node.path} has no default policy`);
  return idOf(policy);
};

/** The statements of the policy attached to a role. */
export const roleStatements = (template: Template, role: iam.IRole): Statement[] =>
  policyStatements(template).get(policyIdOf(role)) ?? [];

/** The policy attached to a function's role. */
export const statementsOf = (template: Template, fn: CareflowFunction): Statement[] =>
  roleStatements(template, fn.role);

export const getAtt = (id: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [id, attribute] });

/** Properties of the one resource with this logical id. */
export const propsOf = (template: Template, type: string, id: string): Json => {
  const resource = template.findResources(type)[id] as { Properties: Json } | undefined;
  if (!resource) throw new Error(`no ${type} ${id}`);
  return resource.Properties;
};
