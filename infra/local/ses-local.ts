import type { IncomingHttpHeaders, Server } from 'node:http';
import sesLocal from 'aws-ses-v2-local';

type Start = (config?: { host?: string; port?: number }) => Promise<Server>;

/** aws-ses-v2-local: the SES v2 API, a mailbox page at `/` and sent mail as JSON at `/store`. */
export const startSesLocal = async (port: number): Promise<{ url: string; stop(): Promise<void> }> => {
  const module = sesLocal as unknown as Start | { default: Start };
  const start = typeof module === 'function' ? module : module.default;
  const server = await start({ host: '127.0.0.1', port });
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${actual}`,
    stop: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
};

/** Headers that belong to one hop: the relay sets its own. */
const HOP_BY_HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

/** Pass one SES v2 request on to the emulator (signature and all) and bring back its answer. */
export const relayToSesLocal = async (
  sesUrl: string,
  method: string,
  url: URL,
  headers: IncomingHttpHeaders,
  body: string,
): Promise<{ status: number; headers: Record<string, string>; body: string }> => {
  const forwarded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) forwarded[name] = String(value);
  }
  const response = await fetch(`${sesUrl}${url.pathname}${url.search}`, {
    method,
    headers: forwarded,
    ...(method === 'GET' || method === 'HEAD' ? {} : { body }),
  });
  return {
    status: response.status,
    headers: { 'content-type': response.headers.get('content-type') ?? 'application/json' },
    body: await response.text(),
  };
};
