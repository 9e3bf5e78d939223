/**
 * Test helper: an emulator on a free port with a temporary data dir, and a small HTTPS client for raw ARM
 * requests. Always close it (`after(() => emu.close())` or try/finally); close also removes the data dir.
 *
 * @example
 * const emu = await startTestEmulator();
 * after(() => emu.close());
 * const r = await emu.request('GET', '/subscriptions/s/resourcegroups/rg?api-version=2025-04-01');
 */
import https from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, unsignedToken, type RunningEmulator } from '../../lib/emulator/index.js';
import type { EmulatorOptions } from '../../lib/emulator/options.js';
import type { Json } from './json.js';

export interface ArmTestResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body (undefined when empty). */
  readonly body: Json;
  /** The URL requested (to follow an answer without LRO headers by polling the resource). */
  readonly url?: string;
}

export interface TestEmulator extends RunningEmulator {
  /** Send a request with a bearer token for `oid` (default principal unless `token: null`). */
  request(
    method: string,
    pathOrUrl: string,
    body?: unknown,
    options?: { oid?: string; token?: string | null; headers?: Record<string, string> },
  ): Promise<ArmTestResponse>;
  /**
   * Follow a write to its end the way Azure's clients do: the Azure-AsyncOperation status, else the Location URL
   * (202 until done), else the resource itself until its provisioningState is terminal (Key Vault). Returns the final
   * status body (`{ status: 'Succeeded' | 'Failed', error? }` for the last two).
   */
  waitFor(started: ArmTestResponse): Promise<Json>;
}

export const TEST_SUB = '00000000-0000-0000-0000-00000000aaaa';
export const TEST_OID = '11111111-1111-1111-1111-111111111111';

let agent: https.Agent | undefined;

export function armRequest(
  url: string,
  ca: string,
  method: string,
  pathOrUrl: string,
  body?: unknown,
  options: { oid?: string; token?: string | null; headers?: Record<string, string> } = {},
): Promise<ArmTestResponse> {
  const full = pathOrUrl.startsWith('https://') ? pathOrUrl : `${url}${pathOrUrl}`;
  const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const token = options.token === undefined ? unsignedToken({ oid: options.oid ?? TEST_OID }) : options.token;
  agent ??= new https.Agent({ keepAlive: true, maxSockets: 64 });
  return new Promise((resolve, reject) => {
    const req = https.request(
      full,
      {
        method,
        ca,
        agent,
        headers: {
          ...(token !== null ? { Authorization: `Bearer ${token}` } : {}),
          ...(text !== undefined
            ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }
            : {}),
          ...(options.headers ?? {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const t = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = t ? JSON.parse(t) : undefined;
          } catch {
            parsed = t;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, url: full });
        });
      },
    );
    req.on('error', reject);
    if (text !== undefined) req.write(text);
    req.end();
  });
}

/** Start an emulator for a test. Defaults: zero LRO durations are NOT assumed; pass `durations` to change. */
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const ownDir = options.dataDir === undefined ? mkdtempSync(join(tmpdir(), 'amlcdk-emu-test-')) : undefined;
  const emu = await startEmulator({ retryAfterSeconds: 0, ...options, dataDir: options.dataDir ?? ownDir });
  const request: TestEmulator['request'] = (method, p, body, o) =>
    armRequest(emu.url, emu.caCertPem, method, p, body, o);
  return {
    ...emu,
    close: async () => {
      await emu.close();
      if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    },
    request,
    async waitFor(started) {
      const pause = () => new Promise((res) => setTimeout(res, 10));
      const aao = started.headers['azure-asyncoperation'];
      const location = started.headers.location;
      for (let i = 0; i < 500; i++) {
        if (typeof aao === 'string') {
          const r = await request('GET', aao);
          if (r.status !== 200) throw new Error(`poll answered ${r.status}: ${JSON.stringify(r.body)}`);
          if (r.body.status !== 'InProgress') return r.body;
        } else if (typeof location === 'string') {
          const r = await request('GET', location);
          if (r.status >= 400) return { status: 'Failed', error: r.body?.error };
          if (r.status !== 202) return { status: 'Succeeded' };
        } else {
          const state = started.body?.properties?.provisioningState;
          if (!started.url || typeof started.body?.id !== 'string')
            throw new Error(`nothing to follow (status ${started.status})`);
          if (i === 0 && (state === undefined || ['Succeeded', 'Failed', 'Canceled'].includes(state)))
            return { status: state ?? 'Succeeded' };
          const v = new URL(started.url).searchParams.get('api-version');
          const r = await request('GET', `${started.body.id}?api-version=${v}`);
          const now = r.body?.properties?.provisioningState;
          if (['Succeeded', 'Failed', 'Canceled'].includes(now)) return { status: now };
        }
        await pause();
      }
      throw new Error('operation did not end');
    },
  };
}

/** ARM paths for the test subscription. */
export const paths = {
  rg: (rg: string) => `/subscriptions/${TEST_SUB}/resourceGroups/${rg}`,
  ws: (rg: string, ws: string) =>
    `/subscriptions/${TEST_SUB}/resourceGroups/${rg}/providers/Microsoft.MachineLearningServices/workspaces/${ws}`,
  compute: (rg: string, ws: string, c: string) =>
    `/subscriptions/${TEST_SUB}/resourceGroups/${rg}/providers/Microsoft.MachineLearningServices/workspaces/${ws}/computes/${c}`,
  vnet: (rg: string, v: string) =>
    `/subscriptions/${TEST_SUB}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/${v}`,
  nsg: (rg: string, n: string) =>
    `/subscriptions/${TEST_SUB}/resourceGroups/${rg}/providers/Microsoft.Network/networkSecurityGroups/${n}`,
  storage: (rg: string, s: string) =>
    `/subscriptions/${TEST_SUB}/resourceGroups/${rg}/providers/Microsoft.Storage/storageAccounts/${s}`,
};

export const V = {
  ml: '2025-09-01',
  rg: '2025-04-01',
  net: '2024-05-01',
  auth: '2022-04-01',
  storage: '2025-01-01',
  kv: '2024-11-01',
  ai: '2020-02-02',
  acr: '2025-04-01',
  msi: '2023-01-31',
};
