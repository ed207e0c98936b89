import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ParseArgsConfig, parseArgs } from 'node:util';

/** Whether the module at `moduleUrl` (its `import.meta.url`) is the script Node was started with. */
export const runAsCommand = (moduleUrl: string): boolean => {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
};

/** A command line the command cannot run: the message says what is wrong ('' for `--help`). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** `parseArgs`, strict, with positionals; a command line it refuses throws UsageError saying why. */
export const parseCommandLine = (
  argv: string[],
  options: NonNullable<ParseArgsConfig['options']>,
  allowPositionals = true,
): ReturnType<typeof parseArgs> => {
  try {
    return parseArgs({ args: argv, strict: true, allowPositionals, options });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
};

export interface CommandSpec<O> {
  usage: string;
  parse: (argv: string[]) => O;
  /** How the command names itself when it failed, e.g. `redrive ses`. */
  name: (options: O) => string;
  /** What to print; `failed` makes the exit code 1 though nothing threw. */
  run: (options: O) => Promise<{ text: string; failed?: boolean }>;
}

/** An ops command's exit code: 0 done, 1 failed (with the reason printed), 2 usage (with the usage printed). */
export const runCommand = async <O>(
  argv: string[],
  print: (text: string) => void,
  command: CommandSpec<O>,
): Promise<number> => {
  let options: O;
  try {
    options = command.parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    print(`${error.message ? `${error.message}\n\n` : ''}${command.usage}`);
    return 2;
  }
  try {
    const { text, failed } = await command.run(options);
    print(text);
    return failed ? 1 : 0;
  } catch (error) {
    print(`${command.name(options)} failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
};
