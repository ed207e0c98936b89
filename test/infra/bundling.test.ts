import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esbuildOptions, lambdaNodeOptions, unusedInLambda } from '../../infra/stacks/bundling.js';
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

  /** Each entry is bundled once; the tests share the result. */
  const built = new Map<string, Promise<{ outfile: string; inputs: string[] }>>();
  const build1 = async (entry: string, name: string) => {
    const outfile = join(dir, name, 'index.mjs');
    const result = await build({
      ...esbuildOptions(projectPath(entry), outfile),
      metafile: true,
      logLevel: 'silent',
    });
    const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint);
    // The modules that put code in the bundle (esbuild lists the ones tree-shaking emptied too).
    const inputs = Object.entries(output?.inputs ?? {})
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([path]) => path);
    return { outfile, inputs };
  };
  const bundle = (entry: string, name: string) => {
    let pending = built.get(name);
    if (!pending) {
      pending = build1(entry, name);
      built.set(name, pending);
    }
    return pending;
  };
  const handlerBundle = (name: string) => bundle(`functions/${name}/handler.ts`, name);

  it('leave out the credential providers Lambda never runs', async () => {
    const { inputs } = await handlerBundle('processor');
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
    const { outfile } = await handlerBundle(name);
    const probe = `const m = await import(${JSON.stringify(outfile)}); console.log(typeof m.handler);`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', probe], {
      env: { ...lambdaEnv, NODE_OPTIONS: lambdaNodeOptions },
    });
    expect(stdout.trim()).toBe('function');
  });

  it('point stack traces at the TypeScript sources, with the Node options Lambda runs them with', async () => {
    const { outfile } = await handlerBundle('router');
    // Without the queue URLs in the environment the router's wiring throws at the first event.
    const probe = [
      `const { handler } = await import(${JSON.stringify(outfile)});`,
      "try { await handler({ id: 'e-1', detail: {} }, {}); } catch (error) { console.log(error.stack); }",
    ].join(' ');
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', probe], {
      env: { ...lambdaEnv, NODE_OPTIONS: lambdaNodeOptions },
    });
    expect(stdout).toMatch(/shared\/config\/config\.ts:\d+:\d+/);
    expect(stdout).not.toMatch(/index\.mjs:\d+:\d+/);
  });

  it.each(['router', 'survey', 'unsubscribe', 'feedback'])(
    'leave the template engine out of %s, which renders nothing',
    async (name) => {
      const { inputs } = await handlerBundle(name);
      expect(inputs.filter((input) => input.includes('node_modules/liquidjs/'))).toEqual([]);
    },
  );

  it.each(['processor', 'api'])('bundle one copy of each package into %s', async (name) => {
    const { inputs } = await handlerBundle(name);
    // A second copy lives in a nested node_modules folder (e.g. two versions of @smithy/core).
    const nested = inputs.filter((input) => input.split('node_modules/').length > 2);
    expect(nested).toEqual([]);
  });
});
