import type { Server } from 'node:http';
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
