/**
 * Emulator throughput on loopback: GET/s and PUT/s over HTTPS with keep-alive, `concurrency` requests in flight,
 * client and emulator in the same process (so the figures are a lower bound of what the emulator alone does).
 * PUTs are durable before their answer (group-committed, fsynced appends to state.log on top of the state.json snapshot).
 *
 * Run alone: `node --import tsx bench/emulator.ts [--json]`.
 */
import https from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, unsignedToken } from '../lib/emulator/index.js';
import { formatTable, machineInfo, measure, type FigureSpec } from './harness.js';

export interface EmulatorBenchResult {
  readonly getPerSecond: number;
  readonly putPerSecond: number;
  readonly gets: number;
  readonly puts: number;
  readonly concurrency: number;
}

const SUB = '00000000-0000-0000-0000-0000000b0000';

function send(
  agent: https.Agent,
  ca: string,
  url: string,
  method: string,
  token: string,
  body?: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        agent,
        ca,
        headers: {
          Authorization: `Bearer ${token}`,
          ...(body ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

async function pool(total: number, concurrency: number, fn: (i: number) => Promise<number>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const i = next++;
      const status = await fn(i);
      if (status >= 300) throw new Error(`request ${i} answered ${status}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Measure `gets` GETs and `puts` PUTs (creates of user-assigned identities) against a fresh emulator. */
export async function benchEmulator(
  options: { gets?: number; puts?: number; concurrency?: number } = {},
): Promise<EmulatorBenchResult> {
  const gets = options.gets ?? 5_000;
  const puts = options.puts ?? 1_000;
  const concurrency = options.concurrency ?? 32;
  const dir = mkdtempSync(join(tmpdir(), 'amlcdk-bench-emu-'));
  const emu = await startEmulator({ dataDir: dir, throttle: false });
  const agent = new https.Agent({ keepAlive: true, maxSockets: concurrency });
  const token = unsignedToken({ oid: '00000000-0000-0000-0000-00000000b000' });
  try {
    const rg = `${emu.url}/subscriptions/${SUB}/resourceGroups/rg-bench`;
    await send(
      agent,
      emu.caCertPem,
      `${rg}?api-version=2025-04-01`,
      'PUT',
      token,
      JSON.stringify({ location: 'westeurope' }),
    );
    const idUrl = (i: number) =>
      `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-${i}?api-version=2023-01-31`;
    // Warm-up (TLS sessions, JIT).
    await pool(200, concurrency, () => send(agent, emu.caCertPem, `${rg}?api-version=2025-04-01`, 'GET', token));
    const p0 = performance.now();
    await pool(puts, concurrency, (i) =>
      send(
        agent,
        emu.caCertPem,
        idUrl(i),
        'PUT',
        token,
        JSON.stringify({ location: 'westeurope', tags: { n: String(i) } }),
      ),
    );
    const putSeconds = (performance.now() - p0) / 1000;
    const g0 = performance.now();
    await pool(gets, concurrency, (i) => send(agent, emu.caCertPem, idUrl(i % puts), 'GET', token));
    const getSeconds = (performance.now() - g0) / 1000;
    return { getPerSecond: gets / getSeconds, putPerSecond: puts / putSeconds, gets, puts, concurrency };
  } finally {
    agent.destroy();
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Figures for bench/run.ts. */
export function emulatorFigures(): FigureSpec[] {
  return [
    {
      name: 'emulator GET/s (loopback, 32 in flight)',
      unit: 'req/s',
      goal: '>= 2000',
      meets: (v) => v >= 2000,
      run: async () => (await benchEmulator({ puts: 500 })).getPerSecond,
    },
    {
      name: 'emulator PUT/s (durable, 32 in flight)',
      unit: 'req/s',
      run: async () => (await benchEmulator({ gets: 500 })).putPerSecond,
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = [];
  for (const spec of emulatorFigures()) figures.push(await measure(spec, (l) => process.stderr.write(l + '\n')));
  if (process.argv.includes('--json'))
    process.stdout.write(JSON.stringify({ machine: machineInfo(), figures }, null, 2) + '\n');
  else process.stdout.write(`${formatTable(figures)}\n`);
}
