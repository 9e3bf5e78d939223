/** Persistence (durable before a 2xx, survives restart and SIGKILL), admin API, ensureLocalEmulator, `amlcdk emulator`. */
import { describe, test, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ensureLocalEmulator } from '../../lib/emulator/index.js';
import { Store } from '../../lib/emulator/store.js';
import { armRequest, startTestEmulator, paths, V, TEST_SUB } from '../helpers/emulator.js';

const root = join(import.meta.dirname, '..', '..');
const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'amlcdk-emu-persist-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const ws = paths.ws('rg-p', 'ws-p');
const ci = `${ws}/computes/ci-persist`;

describe('persistence', () => {
  test('a write is on disk before its 2xx; state, operations and the certificate survive a restart', async () => {
    const dir = tempDir();
    const a = await startTestEmulator({ dataDir: dir, durations: { default: { create: 0 } } });
    let opPath = '';
    try {
      assert.equal(
        (await a.request('PUT', `${paths.rg('rg-p')}?api-version=${V.rg}`, { location: 'westeurope' })).status,
        201,
      );
      // What a new emulator would load from the data directory right now (snapshot + journal).
      const onDisk = new Store(dir);
      onDisk.load();
      assert.equal(onDisk.get(paths.rg('rg-p').toLowerCase())?.id, paths.rg('rg-p'), 'durable before the answer');
      await a.waitFor(await a.request('PUT', `${ws}?api-version=${V.ml}`, { location: 'westeurope' }));
      a.configure({ durations: { default: { create: 300 } } });
      const r = await a.request('PUT', `${ci}?api-version=${V.ml}`, {
        properties: { computeType: 'ComputeInstance', properties: { vmSize: 'Standard_DS3_v2' } },
      });
      assert.equal(r.status, 201);
      opPath = new URL(String(r.headers['azure-asyncoperation'])).pathname + '?api-version=' + V.ml;
    } finally {
      await a.close();
    }
    const b = await startTestEmulator({ dataDir: dir });
    try {
      assert.equal(b.caCertPem, readFileSync(join(dir, 'cert.pem'), 'utf8'));
      assert.equal((await b.request('GET', `${paths.rg('rg-p')}?api-version=${V.rg}`)).status, 200);
      // The operation started before the restart is still there and ends on time.
      let status = 'InProgress';
      for (let i = 0; i < 200 && status === 'InProgress'; i++) {
        const p = await b.request('GET', opPath);
        assert.equal(p.status, 200);
        status = p.body.status;
        if (status === 'InProgress') await new Promise((res) => setTimeout(res, 10));
      }
      assert.equal(status, 'Succeeded');
      assert.equal((await b.request('GET', `${ci}?api-version=${V.ml}`)).body.properties.properties.state, 'Running');
    } finally {
      await b.close();
    }
  });

  test('reset empties state, log and counters (and the file)', async () => {
    const dir = tempDir();
    const emu = await startTestEmulator({ dataDir: dir });
    try {
      await emu.request('PUT', `${paths.rg('rg-r')}?api-version=${V.rg}`, { location: 'westeurope' });
      const r = await emu.request('POST', '/_emulator/reset');
      assert.equal(r.status, 200);
      assert.equal((await emu.request('GET', `${paths.rg('rg-r')}?api-version=${V.rg}`)).status, 404);
      const c = await emu.request('GET', '/_emulator/counters');
      assert.deepEqual(c.body.creates, {});
      assert.equal(c.body.writes, 0);
      const log = await emu.request('GET', '/_emulator/log');
      assert.deepEqual(
        log.body.entries.map((e: { kind: string; method: string; status: number }) => [e.kind, e.method, e.status]),
        [
          ['admin', 'POST', 200],
          ['read', 'GET', 404],
          ['admin', 'GET', 200],
        ],
      );
      assert.equal(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')).resources.length, 0);
    } finally {
      await emu.close();
    }
  });

  test('admin API: health, config get/put, state, unknown route', async () => {
    const emu = await startTestEmulator();
    try {
      const h = await emu.request('GET', '/_emulator/health', undefined, { token: null });
      assert.equal(h.status, 200);
      assert.equal(h.body.status, 'ok');
      assert.equal(h.body.pid, process.pid);
      const c = await emu.request(
        'PUT',
        '/_emulator/config',
        { pageSize: 3, durations: { default: { create: 0 } } },
        { token: null },
      );
      assert.equal(c.status, 200);
      assert.equal(c.body.pageSize, 3);
      assert.equal((await emu.request('GET', '/_emulator/config')).body.pageSize, 3);
      const unknown = await emu.request('PUT', '/_emulator/config', { colour: 'blue' });
      assert.equal(unknown.status, 400);
      assert.equal(unknown.body.error.code, 'InvalidEmulatorConfig');
      await emu.request('PUT', `${paths.rg('rg-s')}?api-version=${V.rg}`, { location: 'westeurope' });
      const s = await emu.request('GET', '/_emulator/state');
      assert.deepEqual(
        s.body.value.map((r: { name: string }) => r.name),
        ['rg-s'],
      );
      assert.equal((await emu.request('GET', '/_emulator/nope')).status, 404);
    } finally {
      await emu.close();
    }
  });
});

describe('ensureLocalEmulator', () => {
  test('starts one and records it; a second call reuses it; close removes the marker', async () => {
    const dir = join(tempDir(), 'emu');
    const first = await ensureLocalEmulator({ dataDir: dir });
    try {
      assert.equal(first.reused, false);
      const marker = JSON.parse(readFileSync(join(dir, 'emulator.json'), 'utf8'));
      assert.equal(marker.url, first.url);
      assert.equal(marker.pid, process.pid);
      const second = await ensureLocalEmulator({ dataDir: dir });
      assert.equal(second.reused, true);
      assert.equal(second.url, first.url);
      await second.close();
      assert.equal(
        (await armRequest(first.url, first.caCertPem, 'GET', '/_emulator/health')).status,
        200,
        'reused close is a no-op',
      );
    } finally {
      await first.close();
    }
    assert.equal(existsSync(join(dir, 'emulator.json')), false);
    // A stale marker (dead pid) is replaced.
    writeFileSync(
      join(dir, 'emulator.json'),
      JSON.stringify({ pid: 999999999, url: 'https://127.0.0.1:1', port: 1, certPath: join(dir, 'cert.pem') }),
    );
    const third = await ensureLocalEmulator({ dataDir: dir });
    try {
      assert.equal(third.reused, false);
    } finally {
      await third.close();
    }
  });
});

function cliEnv(): NodeJS.ProcessEnv {
  // The child is a plain CLI run, not part of this test process's runner.
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.NODE_TEST_CONTEXT;
  delete env.NODE_OPTIONS;
  return env;
}

function startCli(args: string[]): {
  child: ChildProcess;
  firstLine: Promise<string>;
  exit: Promise<number | string | null>;
  stderr: () => string;
} {
  const child = spawn(process.execPath, [join(root, 'bin', 'amlcdk.js'), 'emulator', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: cliEnv(),
  });
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const rl = createInterface({ input: child.stdout });
  const firstLine = new Promise<string>((resolve, reject) => {
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
  firstLine.catch(() => undefined);
  const exit = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  return { child, firstLine, exit, stderr: () => err };
}

describe('amlcdk emulator (CLI)', () => {
  test('serves until SIGTERM, is reused by the local target, and a 2xx survives SIGKILL', async () => {
    const dir = join(tempDir(), 'cli');
    const run = startCli(['--data-dir', dir, '--json']);
    try {
      const info = JSON.parse(await run.firstLine) as { url: string; certPath: string };
      assert.match(info.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      const ca = readFileSync(info.certPath, 'utf8');
      const local = await ensureLocalEmulator({ dataDir: dir });
      assert.equal(local.reused, true);
      assert.equal(local.url, info.url);
      await local.close();
      const put = await armRequest(info.url, ca, 'PUT', `${paths.rg('rg-cli')}?api-version=${V.rg}`, {
        location: 'westeurope',
      });
      assert.equal(put.status, 201);
      run.child.kill('SIGKILL');
      await run.exit;
    } finally {
      if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
    }
    // The killed process answered 201, so the write must be there for the next emulator.
    const again = startCli(['--data-dir', dir, '--json']);
    try {
      const info = JSON.parse(await again.firstLine) as { url: string; certPath: string };
      const ca = readFileSync(info.certPath, 'utf8');
      assert.equal((await armRequest(info.url, ca, 'GET', `${paths.rg('rg-cli')}?api-version=${V.rg}`)).status, 200);
      assert.equal(
        (await armRequest(info.url, ca, 'GET', `/subscriptions/${TEST_SUB}/resourcegroups?api-version=${V.rg}`)).body
          .value.length,
        1,
      );
      again.child.kill('SIGTERM');
      assert.equal(await again.exit, 0, again.stderr());
      assert.equal(existsSync(join(dir, 'emulator.json')), false, 'marker removed on a clean stop');
    } finally {
      if (again.child.exitCode === null && again.child.signalCode === null) again.child.kill('SIGKILL');
    }
  });

  test('bad flags and config files exit 2 with the problem named', async () => {
    const badPort = startCli(['--port', 'abc']);
    assert.equal(await badPort.exit, 2);
    assert.match(badPort.stderr(), /InvalidOption.*--port/);
    const cfg = join(tempDir(), 'emu.json');
    writeFileSync(cfg, '{\n  "faults": [ { "errorRate": 3 } ]\n}\n');
    const badCfg = startCli(['--config', cfg, '--data-dir', join(tempDir(), 'x')]);
    assert.equal(await badCfg.exit, 2);
    assert.match(badCfg.stderr(), /EmulatorConfigInvalid.*faults\[0\]\.errorRate/);
    writeFileSync(cfg, '{\n  "seed": 1,\n  oops\n}\n');
    const badJson = startCli(['--config', cfg, '--data-dir', join(tempDir(), 'y')]);
    assert.equal(await badJson.exit, 2);
    assert.match(badJson.stderr(), /emu\.json:3: EmulatorConfigInvalidJson/);
  });
});
