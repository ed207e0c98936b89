import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { build } from './support.js';

interface ValidationReport {
  pluginReports: { pluginName: string; violations: { ruleName: string; severity: string }[] }[];
}

/**
 * Synthesizes the app and lists the AWS Solutions findings no acknowledgement covers, errors and
 * warnings alike, from the validation report CDK writes next to the templates. Synth fails only
 * on errors, so a warning would pass it unnoticed.
 */
const unacknowledgedFindings = (app: App): string[] => {
  const reportFile = join(app.outdir, 'validation-report.json');
  try {
    app.synth();
  } catch (error) {
    if (!existsSync(reportFile)) throw error;
  }
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as ValidationReport;
  return report.pluginReports
    .filter((plugin) => plugin.pluginName === 'AwsSolutions')
    .flatMap((plugin) => plugin.violations.map((v) => `${v.severity}: ${v.ruleName}`));
};

const pinned = { 'careflow:account': '123456789012', 'careflow:region': 'eu-west-1' };
const prod = { 'careflow:stage': 'prod' };
const sms = { 'careflow:smsSenderId': 'Careflow', 'careflow:smsOriginationNumber': '+4915112345678' };

describe('cdk-nag (AWS Solutions) with the environment pinned, as docs/operations.md deploys', () => {
  it.each([
    ['account and region', pinned],
    ['account and region, prod', { ...pinned, ...prod }],
    [
      'account and region, prod, SMS and tracing on',
      { ...pinned, ...prod, ...sms, 'careflow:tracing': 'true' },
    ],
    ['region only, SMS on', { 'careflow:region': 'eu-west-1', ...sms }],
    ['account only, SMS on', { 'careflow:account': '123456789012', ...sms }],
  ])(
    'leaves no error or warning unacknowledged: %s',
    (_case, context) => {
      // prepare
      const { app } = build({ nag: true, context });

      // act
      const findings = unacknowledgedFindings(app);

      // assess
      expect(findings).toEqual([]);
    },
    60_000,
  );

  it('still reports a wildcard that no acknowledgement names', () => {
    // prepare
    const { app, stack } = build({ nag: true, context: { ...pinned, ...prod, ...sms } });
    stack.functions.processor.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['scheduler:GetSchedule'],
        resources: ['arn:aws:scheduler:eu-west-1:123456789012:schedule/other-group/*'],
      }),
    );

    // act
    const findings = unacknowledgedFindings(app);

    // assess
    expect(findings).toEqual([
      'error: AwsSolutions-IAM5[Resource::arn:aws:scheduler:eu-west-1:123456789012:schedule/other-group/*]',
    ]);
  });
});
