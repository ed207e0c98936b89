import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sesLocal from 'aws-ses-v2-local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSesClient, SesEmailSender } from '../../shared/adapters/ses/ses-email-sender.js';

/** The package is CommonJS with `exports.default`: ESM sees either the function or the module object. */
type StartServer = (config?: { port?: number; host?: string }) => Promise<Server>;
const startSesLocal: StartServer =
  typeof sesLocal === 'function' ? sesLocal : (sesLocal as unknown as { default: StartServer }).default;

interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: { name: string; value: string }[];
}

describe('SesEmailSender against aws-ses-v2-local', () => {
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    // Port 0: the operating system picks a free loopback port.
    server = await startSesLocal({ port: 0, host: '127.0.0.1' });
    if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
  });

  it('delivers subject, html, text and the custom headers', async () => {
    const client = createSesClient({
      endpoint: baseUrl,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const sender = new SesEmailSender(client, {});

    const { providerMessageId } = await sender.send({
      messageId: 'inst-7.invite.1',
      from: 'care@shop.example',
      to: 'bob@example.com',
      subject: 'Wie war Ihre Bestellung? ✓',
      html: '<p>Sagen Sie es uns</p>',
      text: 'Sagen Sie es uns',
      headers: {
        'List-Unsubscribe': '<https://care.example/u/xyz>',
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
      tags: { journey: 'post-purchase-survey' },
    });
    client.destroy();

    const response = await fetch(`${baseUrl}/store`);
    const store = (await response.json()) as { emails: StoredEmail[] };
    const stored = store.emails.find((e) => e.messageId === providerMessageId);
    expect(stored).toBeDefined();
    expect(stored?.from).toBe('care@shop.example');
    expect(stored?.destination.to).toEqual(['bob@example.com']);
    expect(stored?.subject).toBe('Wie war Ihre Bestellung? ✓');
    expect(stored?.body).toEqual({ html: '<p>Sagen Sie es uns</p>', text: 'Sagen Sie es uns' });
    expect(stored?.headers).toEqual([
      { name: 'List-Unsubscribe', value: '<https://care.example/u/xyz>' },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ]);
  });
});
