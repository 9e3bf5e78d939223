/**
 * The CLI's `local` target: reuse the emulator already serving a data directory, or start one in this process.
 * `<dataDir>/emulator.json` records `{ pid, url, port, certPath }` of the process that serves it.
 */
import { existsSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import https from 'node:https';
import { isAbsolute, join, relative, resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { startEmulator } from './start.js';
import type { EmulatorOptions } from './options.js';

export interface LocalEmulator {
  readonly url: string;
  readonly caCertPem: string;
  /** Stops the emulator if this call started it; a no-op when an existing one was reused. */
  close(): Promise<void>;
  /** Whether an already running emulator was reused. */
  readonly reused: boolean;
}

interface Marker {
  readonly pid: number;
  readonly url: string;
  readonly port: number;
  readonly certPath: string;
}

const defaultNotice = (m: string): void => {
  process.stderr.write(`amlcdk: ${m}\n`);
};

/** Whether a pid runs on this machine (EPERM: it runs, as another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What the health route answers (lib/emulator/server.ts). */
interface Health {
  readonly status?: unknown;
  readonly pid?: unknown;
  readonly dataDir?: unknown;
}

/** Resolve symlinks when the path exists (so `/tmp` vs `/private/tmp` and links into other dirs compare right). */
function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
}

/**
 * Why a marker cannot be trusted without asking the process it names, or `undefined`. A marker is a file in the
 * working directory, so anyone who can write there could plant one; it is believed only when its URL is the
 * loopback emulator (`https://127.0.0.1:<port>` or `https://localhost:<port>`, nothing else) and its certificate
 * lies inside the data dir (a planted certificate elsewhere would make the TLS check vouch for anything).
 */
export function markerProblem(marker: unknown, dataDir: string): string | undefined {
  const m = marker as Partial<Marker> | null;
  if (!m || typeof m !== 'object') return 'it is not a JSON object';
  if (typeof m.url !== 'string') return 'it has no url';
  let u: URL;
  try {
    u = new URL(m.url);
  } catch {
    return 'its url is not a URL';
  }
  if (u.protocol !== 'https:') return `its url uses ${u.protocol.replace(/:$/, '')}, not https`;
  if (u.hostname !== '127.0.0.1' && u.hostname !== 'localhost')
    return `its url points at ${u.hostname}, not 127.0.0.1 or localhost`;
  if (u.username || u.password || (u.pathname !== '/' && u.pathname !== '') || u.search || u.hash)
    return 'its url carries credentials, a path, a query or a fragment';
  if (!u.port) return 'its url has no port';
  if (typeof m.certPath !== 'string') return 'it has no certPath';
  const root = real(dataDir);
  const cert = real(resolve(dataDir, m.certPath));
  const rel = relative(root, cert);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return 'its certificate is outside the data dir';
  if (!Number.isInteger(m.pid) || (m.pid as number) <= 1) return 'its pid is not a process id';
  return undefined;
}

function health(url: string, ca: string): Promise<Health | undefined> {
  return new Promise((res) => {
    const req = https.get(`${url}/_emulator/health`, { ca, timeout: 2000 }, (r) => {
      const chunks: Buffer[] = [];
      let size = 0;
      r.on('data', (c: Buffer) => {
        size += c.length;
        if (size > 64 * 1024) req.destroy();
        else chunks.push(c);
      });
      r.on('end', () => {
        if (r.statusCode !== 200) return res(undefined);
        try {
          res(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Health);
        } catch {
          res(undefined);
        }
      });
      r.on('error', () => res(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => res(undefined));
  });
}

/**
 * The running emulator a marker names, when all of these hold: the marker passes `markerProblem`, its process is
 * alive, and that process answers the health check over TLS (trusting the data dir's certificate) with the same
 * data dir and pid. Otherwise the reason it is ignored.
 */
async function trustedMarker(
  markerPath: string,
  dataDir: string,
): Promise<{ url: string; ca: string } | { ignored: string }> {
  let m: Marker;
  try {
    m = JSON.parse(readFileSync(markerPath, 'utf8')) as Marker;
  } catch {
    return { ignored: 'it is not readable JSON' };
  }
  const problem = markerProblem(m, dataDir);
  if (problem) return { ignored: problem };
  if (!alive(m.pid)) return { ignored: `process ${m.pid} is gone` };
  let ca: string;
  try {
    ca = readFileSync(resolve(dataDir, m.certPath), 'utf8');
  } catch {
    return { ignored: 'its certificate is unreadable' };
  }
  const h = await health(m.url, ca);
  if (!h || h.status !== 'ok') return { ignored: 'nothing answers its health check' };
  if (typeof h.dataDir !== 'string' || real(h.dataDir) !== real(dataDir))
    return { ignored: 'the emulator at its url serves another data dir' };
  if (h.pid !== m.pid) return { ignored: `the emulator at its url is not process ${m.pid}` };
  return { url: m.url, ca };
}

/**
 * @example
 * const emu = await ensureLocalEmulator({ dataDir: '.amlcdk/emulator' });
 * try { ... } finally { await emu.close(); }
 */
export async function ensureLocalEmulator(
  options: { dataDir?: string; onNotice?: (message: string) => void } & Omit<EmulatorOptions, 'dataDir'> = {},
): Promise<LocalEmulator> {
  const dataDir = resolve(options.dataDir ?? join(process.cwd(), '.amlcdk', 'emulator'));
  const markerPath = join(dataDir, 'emulator.json');
  if (existsSync(markerPath)) {
    const t = await trustedMarker(markerPath, dataDir);
    if ('url' in t) return { url: t.url, caCertPem: t.ca, reused: true, close: async () => undefined };
    // A stale, unreadable or planted marker: start a fresh emulator below (and replace the marker).
    if (!/gone|nothing answers/.test(t.ignored))
      (options.onNotice ?? defaultNotice)(
        `ignoring ${markerPath}: ${t.ignored}; starting a new local emulator (a marker is trusted only for https://127.0.0.1 or https://localhost, with its certificate inside the data dir, when the process it names answers for this data dir)`,
      );
  }
  const { dataDir: _ignored, onNotice: _notice, ...rest } = options;
  void _ignored;
  void _notice;
  const emu = await startEmulator({ ...rest, dataDir });
  const marker: Marker = { pid: process.pid, url: emu.url, port: emu.port, certPath: emu.certPath };
  await writeFileAtomic(markerPath, JSON.stringify(marker, null, 2) + '\n');
  return {
    url: emu.url,
    caCertPem: emu.caCertPem,
    reused: false,
    close: async () => {
      try {
        const m = JSON.parse(readFileSync(markerPath, 'utf8')) as Marker;
        if (m.pid === process.pid && m.port === emu.port) rmSync(markerPath, { force: true });
      } catch {
        // already gone
      }
      await emu.close();
    },
  };
}
