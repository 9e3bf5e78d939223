/**
 * Starts Azurite's blob service for a test: its `azurite-blob` entry point in a child process, on 127.0.0.1 with
 * a free port (port 0; the port is read from its startup line) and a fresh temp directory. `stop()` always ends
 * the process and removes the directory; call it in `after`/`finally`.
 *
 * @example
 * const az = await startAzurite();
 * try { const store = new BlobStateStore(`azblob://${az.account}/state`, { connectionString: az.connectionString }); }
 * finally { await az.stop(); }
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface Azurite {
  /** e.g. `http://127.0.0.1:41234/devstoreaccount1` */
  readonly blobEndpoint: string;
  readonly account: string;
  readonly accountKey: string;
  readonly connectionString: string;
  readonly port: number;
  stop(): Promise<void>;
}

function azuriteBlobMain(): string {
  const load = createRequire(import.meta.url);
  return join(dirname(load.resolve('azurite/package.json')), 'dist', 'src', 'blob', 'main.js');
}

export async function startAzurite(options: { timeoutMs?: number } = {}): Promise<Azurite> {
  const dir = mkdtempSync(join(tmpdir(), 'amlcdk-azurite-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [
      azuriteBlobMain(),
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      '0',
      '--location',
      dir,
      '--skipApiVersionCheck',
      '--disableTelemetry',
      '--loose',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(
        () => reject(new Error(`Azurite did not start within ${options.timeoutMs ?? 30_000} ms; output: ${out}`)),
        options.timeoutMs ?? 30_000,
      );
      const onData = (chunk: Buffer): void => {
        out += chunk.toString();
        const m = /listens on https?:\/\/127\.0\.0\.1:(\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`Azurite exited with code ${code} before listening; output: ${out}`));
      });
    });
    const blobEndpoint = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
    return {
      blobEndpoint,
      account: AZURITE_ACCOUNT,
      accountKey: AZURITE_KEY,
      port,
      connectionString: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${blobEndpoint};`,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
