import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esbuildOptions, unusedInLambda } from '../../infra/stacks/bundling.js';
import { projectPath } from '../../infra/stacks/paths.js';

const run = promisify(execFile);

/** The environment of a Lambda function as far as credentials go: the role's keys in variables. */
const lambdaEnv = {
  PATH: process.env.PATH ?? '',
  AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEKEY',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_SESSION_TOKEN: 'token',
  AWS_REGION: 'eu-west-1',
};

describe('Lambda bundles', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'careflow-bundle-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const bundle = async (entry: string, name: string) => {
    const outfile = join(dir, name, 'index.mjs');
    const result = await build({
      ...esbuildOptions(projectPath(entry), outfile),
      metafile: true,
      logLevel: 'silent',
    });
    return { outfile, inputs: Object.keys(result.metafile.inputs) };
  };

  it('leave out the credential providers Lambda never runs', async () => {
    const { inputs } = await bundle('functions/processor/handler.ts', 'processor');
    for (const external of unusedInLambda) {
      expect(
        inputs.filter((input) => input.includes(`node_modules/${external}/`)),
        external,
      ).toEqual([]);
    }
    expect(inputs.some((input) => input.includes('node_modules/@aws-sdk/credential-provider-env/'))).toBe(
      true,
    );
  });

  it('still resolve credentials from the environment, as Lambda provides them', async () => {
    const { outfile } = await bundle('test/infra/fixtures/credentials-probe.ts', 'probe');

    const inLambda = await run(process.execPath, [outfile], { env: lambdaEnv });
    expect(JSON.parse(inLambda.stdout)).toEqual({ ok: true, accessKeyId: 'ASIAEXAMPLEKEY' });

    // Without credentials in the environment the chain reaches a provider that is not in the
    // bundle, and says so, instead of silently using a stale profile.
    const elsewhere = await run(process.execPath, [outfile], {
      env: { PATH: lambdaEnv.PATH, HOME: dir, AWS_PROFILE: 'someone', AWS_REGION: 'eu-west-1' },
    });
    expect(JSON.parse(elsewhere.stdout)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/Cannot find (package|module)/),
    });
  });

  it.each(['router', 'processor', 'survey', 'api'])('%s loads in a fresh Node process', async (name) => {
    const { outfile } = await bundle(`functions/${name}/handler.ts`, name);
    const probe = `const m = await import(${JSON.stringify(outfile)}); console.log(typeof m.handler);`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', probe], { env: lambdaEnv });
    expect(stdout.trim()).toBe('function');
  });
});
