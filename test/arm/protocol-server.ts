/**
 * A tiny HTTPS server for pinning ARM protocol edge cases the emulator need not produce on demand (Retry-After
 * dates, nextLink paging, Location polling, dropped sockets, malformed error bodies). Each test scripts the
 * answers with `handle`; every request is recorded.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';

export interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export type Handler = (req: Recorded, res: ServerResponse, n: number) => void;

export interface ProtocolServer {
  readonly url: string;
  readonly caCertPem: string;
  readonly requests: Recorded[];
  /** Replace the handler (and clear the recorded requests). */
  handle(h: Handler): void;
  close(): Promise<void>;
}

let certPromise: Promise<{ cert: string; key: string }> | undefined;
function cert(): Promise<{ cert: string; key: string }> {
  certPromise ??= generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    days: 2,
    extensions: [
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  } as Parameters<typeof generate>[1]).then((r) => ({ cert: r.cert, key: r.private }));
  return certPromise;
}

export async function startProtocolServer(): Promise<ProtocolServer> {
  const { cert: certPem, key } = await cert();
  const requests: Recorded[] = [];
  let handler: Handler = (_req, res) => {
    res.writeHead(500).end();
  };
  const server: Server = createServer({ cert: certPem, key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec: Recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(rec);
      try {
        handler(rec, res, requests.length);
      } catch (err) {
        res.writeHead(599).end(String(err));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    caCertPem: certPem,
    requests,
    handle(h) {
      handler = h;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Write a JSON answer. */
export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(text);
}
