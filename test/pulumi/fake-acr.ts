/**
 * A fake Azure Container Registry token endpoint (`POST /oauth2/exchange`) over HTTPS on 127.0.0.1, with a
 * self-signed certificate, for testing the Entra ID token exchange. Always close it in `after`/`finally`.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';

export interface ExchangeCall {
  readonly grant_type: string | null;
  readonly service: string | null;
  readonly tenant: string | null;
  readonly access_token: string | null;
}

export interface FakeAcr {
  /** `127.0.0.1:<port>`: what to use as the registry login server. */
  readonly loginServer: string;
  readonly caCertPem: string;
  readonly calls: ExchangeCall[];
  /** What the next answers are: a refresh token, an HTTP status, or a non-JSON body. */
  mode: { kind: 'ok'; refreshToken: string } | { kind: 'status'; status: number } | { kind: 'garbage' };
  close(): Promise<void>;
}

export async function startFakeAcr(): Promise<FakeAcr> {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    days: 2,
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  } as Parameters<typeof generate>[1]);
  const calls: ExchangeCall[] = [];
  const state: { mode: FakeAcr['mode'] } = { mode: { kind: 'ok', refreshToken: 'acr-refresh-token' } };
  const server: Server = createServer({ cert: pems.cert, key: pems.private }, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/oauth2/exchange') {
        res.writeHead(404).end();
        return;
      }
      const form = new URLSearchParams(body);
      calls.push({
        grant_type: form.get('grant_type'),
        service: form.get('service'),
        tenant: form.get('tenant'),
        access_token: form.get('access_token'),
      });
      const mode = state.mode;
      if (mode.kind === 'ok')
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ refresh_token: mode.refreshToken }));
      else if (mode.kind === 'status')
        res
          .writeHead(mode.status, { 'content-type': 'application/json' })
          .end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED' }] }));
      else res.writeHead(200, { 'content-type': 'text/html' }).end('<html>proxy login</html>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    loginServer: `127.0.0.1:${port}`,
    caCertPem: pems.cert,
    calls,
    get mode() {
      return state.mode;
    },
    set mode(m) {
      state.mode = m;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
