/**
 * The CLI's `local` target: reuse the emulator already serving a data directory, or start one in this process.
 * `<dataDir>/emulator.json` records `{ pid, url, port, certPath }` of the process that serves it.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { join, resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { startEmulator } from './index.js';
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

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function health(url: string, ca: string): Promise<boolean> {
  return new Promise((res) => {
    const req = https.get(`${url}/_emulator/health`, { ca, timeout: 2000 }, (r) => {
      r.resume();
      res(r.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => res(false));
  });
}

/**
 * @example
 * const emu = await ensureLocalEmulator({ dataDir: '.amlcdk/emulator' });
 * try { ... } finally { await emu.close(); }
 */
export async function ensureLocalEmulator(
  options: { dataDir?: string } & Omit<EmulatorOptions, 'dataDir'> = {},
): Promise<LocalEmulator> {
  const dataDir = resolve(options.dataDir ?? join(process.cwd(), '.amlcdk', 'emulator'));
  const markerPath = join(dataDir, 'emulator.json');
  if (existsSync(markerPath)) {
    try {
      const m = JSON.parse(readFileSync(markerPath, 'utf8')) as Marker;
      const ca = readFileSync(m.certPath, 'utf8');
      if (typeof m.pid === 'number' && alive(m.pid) && (await health(m.url, ca))) {
        return { url: m.url, caCertPem: ca, reused: true, close: async () => undefined };
      }
    } catch {
      // A stale or unreadable marker: start a fresh emulator below.
    }
  }
  const { dataDir: _ignored, ...rest } = options;
  void _ignored;
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
