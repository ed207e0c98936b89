import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalDynamoDbClient, startDynamoDbLocal } from '../../../infra/local/dynamodb-local.js';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client.js';
import { createTable } from '../../../shared/adapters/dynamodb/table.js';

/** These tests start their own Java processes (about 4 s each), hence the longer timeouts. */
const slow = { timeout: 60_000 };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('startDynamoDbLocal', () => {
  it('keeps the data in dataDir across a restart', slow, async () => {
    // prepare
    const dataDir = await mkdtemp(join(tmpdir(), 'careflow-ddb-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const first = await startDynamoDbLocal({ port: 0, dataDir });
    await createTable(first.client, 'kept');
    await createDocumentClient(first.client).send(
      new PutCommand({ TableName: 'kept', Item: { pk: 'C#1', sk: '#PROFILE', name: 'Ada' } }),
    );
    await first.stop();

    // act
    const second = await startDynamoDbLocal({ port: 0, dataDir });
    cleanups.push(() => second.stop());
    const { Item } = await createDocumentClient(second.client).send(
      new GetCommand({ TableName: 'kept', Key: { pk: 'C#1', sk: '#PROFILE' } }),
    );

    // assess
    expect(Item).toEqual({ pk: 'C#1', sk: '#PROFILE', name: 'Ada' });
  });

  it('stops the process: the endpoint answers no more', slow, async () => {
    // prepare
    const local = await startDynamoDbLocal({ port: 0 });
    const probe = createLocalDynamoDbClient(local.endpoint, 1);
    cleanups.push(async () => probe.destroy());

    // act
    await local.stop();

    // assess
    await expect(probe.send(new ListTablesCommand({}))).rejects.toThrow();
  });

  it('says that the port is taken when DynamoDB Local cannot listen on it', slow, async () => {
    // prepare
    const server: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    cleanups.push(() => new Promise((closed) => server.close(() => closed())));
    const address = server.address();
    const port = address && typeof address === 'object' ? address.port : 0;

    // act
    const starting = startDynamoDbLocal({ port });

    // assess
    await expect(starting).rejects.toThrow(`port ${port} is already in use`);
  });

  it('says that java is missing when it is not on the PATH', async () => {
    // prepare
    const emptyDir = await mkdtemp(join(tmpdir(), 'careflow-no-java-'));
    const path = process.env.PATH;
    process.env.PATH = emptyDir;
    cleanups.push(async () => {
      process.env.PATH = path;
      await rm(emptyDir, { recursive: true, force: true });
    });

    // act
    const starting = startDynamoDbLocal({ port: 0 });

    // assess
    await expect(starting).rejects.toThrow(/`java` was not found/);
  });
});
