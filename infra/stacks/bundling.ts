/**
 * How every careflow Lambda is bundled: one minified ESM file per function, the AWS SDK v3
 * included. Plain data without CDK imports, so that `CareflowFunction` (through
 * NodejsFunction, which runs the esbuild CLI) and the bundle benchmark (which calls esbuild's
 * API with `esbuildOptions`) build exactly the same thing.
 *
 * Measured figures and the reasoning are in docs/benchmarks.md and
 * docs/decisions/0054-lean-lambda-bundles.md and 0057-module-initialisation.md.
 */

/**
 * Makes the bundle's ESM output able to `require()` Node built-ins and CommonJS dependencies
 * (some of them call `require` at run time, which plain ESM lacks). The alias keeps the import
 * from clashing with a bundled identifier called `createRequire`.
 */
export const esmRequireBanner =
  "import { createRequire as __careflowCreateRequire } from 'node:module'; const require = __careflowCreateRequire(import.meta.url);";

/**
 * Credential providers that a Lambda function never runs, left out of the bundle.
 *
 * The SDK's default chain tries the environment first, and Lambda always puts the execution
 * role's credentials there (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`).
 * The chain loads every later provider (SSO, shared ini files, `credential_process`, web
 * identity token files, container and instance metadata) with a dynamic `import()` only when
 * the one before it failed, so in Lambda none of these modules is ever loaded. Left external,
 * an `import()` of them would fail with "Cannot find package" - which is what should happen if
 * a bundle ever ran somewhere without credentials in the environment.
 * Nothing here is imported statically (a bundle test checks that the bundle loads and resolves
 * credentials from the environment).
 */
export const unusedInLambda: readonly string[] = [
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-http',
  '@aws-sdk/credential-provider-login',
  '@smithy/credential-provider-imds',
  '@aws-sdk/token-providers',
  // The STS, SSO, SSO-OIDC and sign-in clients that only the providers above use.
  '@aws-sdk/nested-clients',
];

/**
 * `NODE_OPTIONS` of every function: stack traces in the logs point into the TypeScript sources.
 * Node then reads and parses the bundle's `.map` file when it loads the bundle, so that is part of
 * every cold start (the bundle benchmark loads bundles with it too).
 */
export const lambdaNodeOptions = '--enable-source-maps';

/** The bundling settings shared by the stack and the benchmark. */
export const lambdaBundling = {
  platform: 'node',
  format: 'esm',
  target: 'node22',
  /** ESM builds of the SDK and Powertools (tree-shakeable) before their CommonJS builds. */
  mainFields: ['module', 'main'],
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  banner: esmRequireBanner,
  external: unusedInLambda,
} as const;

/** esbuild API options equivalent to what NodejsFunction runs for `lambdaBundling`. */
export const esbuildOptions = (entry: string, outfile: string) => ({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: lambdaBundling.platform,
  format: lambdaBundling.format,
  target: lambdaBundling.target,
  mainFields: [...lambdaBundling.mainFields],
  minify: lambdaBundling.minify,
  sourcemap: lambdaBundling.sourceMap,
  sourcesContent: lambdaBundling.sourcesContent,
  banner: { js: lambdaBundling.banner },
  external: [...lambdaBundling.external],
});
