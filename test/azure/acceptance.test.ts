// `npm run test:azure`: skips with instructions without a subscription; against an emulator reached by endpoint + CA
// (as CI runs it) the five steps pass, `--record` writes a valid, sanitized corpus file, and an abort mid-apply
// (Ctrl-C) still destroys the stack and deletes the resource group.
import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCorpusFile } from '../azure-corpus/format.js';
import { sanitizationProblems } from '../azure-corpus/sanitize.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { EMULATOR_SUBSCRIPTION, main } from './main.js';
import { armTypeOf } from './recorder.js';

describe('npm run test:azure', () => {
  test('without AZURE_SUBSCRIPTION_ID it says how to run it and exits 0', async () => {
    const lines: string[] = [];
    const code = await main([], {}, { log: (l) => lines.push(l) });
    assert.equal(code, 0);
    const text = lines.join('\n');
    assert.match(text, /Skipped: AZURE_SUBSCRIPTION_ID is not set/);
    assert.match(text, /export AZURE_SUBSCRIPTION_ID=/);
    assert.match(text, /docs\/azure\.md/);
  });

  test('an unknown option is refused before anything runs', async () => {
    await assert.rejects(main(['--bogus'], {}, { log: () => undefined }), /unknown option --bogus/);
  });

  test('the recorder names the type of resource, collection, action and nested-provider paths', () => {
    const ws = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';
    assert.equal(
      armTypeOf(`${ws}/computes/ci/stop?api-version=1`, 'POST'),
      'Microsoft.MachineLearningServices/workspaces/computes',
    );
    assert.equal(armTypeOf(`${ws}/computes?api-version=1`), 'Microsoft.MachineLearningServices/workspaces/computes');
    assert.equal(
      armTypeOf(`${ws}/providers/Microsoft.Authorization/roleAssignments/a?api-version=1`, 'PUT'),
      'Microsoft.Authorization/roleAssignments',
    );
    assert.equal(
      armTypeOf('/subscriptions/s/resourceGroups/rg?api-version=1', 'PUT'),
      'Microsoft.Resources/resourceGroups',
    );
    assert.equal(
      armTypeOf('/subscriptions/s/providers/Microsoft.Storage/checkNameAvailability?api-version=1', 'POST'),
      'Microsoft.Storage/checkNameAvailability',
    );
  });

  describe('against the emulator by endpoint + CA (what CI runs)', () => {
    let emu: TestEmulator;
    let dir: string;
    let env: NodeJS.ProcessEnv;

    beforeAll(async () => {
      emu = await startTestEmulator({ durations: { default: { create: 0, update: 0, delete: 0, action: 0 } } });
      dir = mkdtempSync(join(tmpdir(), 'amlcdk-test-azure-'));
      writeFileSync(join(dir, 'ca.pem'), emu.caCertPem);
      env = { AMLCDK_ARM_ENDPOINT: emu.url, AMLCDK_ARM_CA_FILE: join(dir, 'ca.pem') };
    });
    afterAll(async () => {
      await emu?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    async function groupExists(name: string): Promise<boolean> {
      const r = await emu.request(
        'GET',
        `/subscriptions/${EMULATOR_SUBSCRIPTION}/resourceGroups/${name}?api-version=2025-04-01`,
      );
      return r.status === 200;
    }

    test('the five steps pass, the group is gone, and --record writes a sanitized corpus file', async () => {
      const lines: string[] = [];
      let group = '';
      const out = join(dir, 'recorded');
      const code = await main([`--record=${out}`], env, {
        log: (l) => lines.push(l),
        onResourceGroup: (g) => (group = g),
      });
      assert.equal(code, 0, lines.join('\n'));
      for (const step of [
        '1. create resource group',
        '2. apply',
        '3. re-plan: 0 changes',
        '4. out-of-band',
        '5. destroy',
      ])
        assert.ok(
          lines.some((l) => l.startsWith(`✔ ${step}`)),
          `${step} passed:\n${lines.join('\n')}`,
        );
      assert.ok(lines.some((l) => /drift names it: .*CpuCluster .*scaleSettings\/maxNodeCount/.test(l)));
      assert.match(group, /^amlcdk-acc-\d{12}-[0-9a-f]{8}$/);
      assert.equal(await groupExists(group), false, 'the resource group is deleted');

      const files = [...readdirSync(out)];
      assert.equal(files.length, 1);
      const text = readFileSync(join(out, files[0]), 'utf8');
      const corpus = parseCorpusFile(text, files[0]); // schema, api-versions, poll references
      assert.deepEqual(sanitizationProblems(corpus), []);
      assert.equal(corpus.source.kind, 'live');
      assert.ok(!text.includes(EMULATOR_SUBSCRIPTION), 'the subscription id is replaced');
      assert.ok(!text.includes('127.0.0.1'), 'the emulator host is moved to management.azure.com');
      const ops = new Set(corpus.exchanges.map((x) => `${x.op} ${x.armType}`));
      for (const want of [
        'create Microsoft.Resources/resourceGroups',
        'create Microsoft.MachineLearningServices/workspaces',
        'create Microsoft.MachineLearningServices/workspaces/computes',
        'action Microsoft.MachineLearningServices/workspaces/computes',
        'create Microsoft.Authorization/roleAssignments',
        'create Microsoft.KeyVault/vaults',
        'create Microsoft.Storage/storageAccounts',
        'delete Microsoft.MachineLearningServices/workspaces/computes',
        'delete Microsoft.MachineLearningServices/workspaces',
        'delete Microsoft.Resources/resourceGroups',
      ])
        assert.ok(ops.has(want), `recorded ${want}`);
      assert.ok(corpus.exchanges.some((x) => x.op === 'poll'));
    });

    test("an emulator run may not --record into the corpus (the emulator's traffic is not evidence of Azure)", async () => {
      await assert.rejects(
        main(['--record'], env, { log: () => undefined }),
        (e: Error & { code?: string }) =>
          e.code === 'EmulatorRecordingInCorpus' && /outside the corpus/.test(e.message),
      );
    });

    test('an abort mid-apply (Ctrl-C) still destroys the stack and deletes the resource group', async () => {
      const lines: string[] = [];
      const controller = new AbortController();
      let group = '';
      const code = await main([], env, {
        log: (l) => {
          lines.push(l);
          if (l.startsWith('  done ')) controller.abort(new Error('interrupted (Ctrl-C)'));
        },
        signal: controller.signal,
        onResourceGroup: (g) => (group = g),
      });
      assert.equal(code, 1);
      assert.ok(controller.signal.aborted);
      assert.ok(
        lines.some((l) => l.startsWith('✖ 2. apply')),
        lines.join('\n'),
      );
      assert.ok(!lines.some((l) => l.startsWith('▶ 3.')), 'no step runs after the abort');
      assert.ok(
        lines.some((l) => l.startsWith('✔ 5. destroy')),
        lines.join('\n'),
      );
      assert.equal(await groupExists(group), false, 'the resource group is deleted');
    });
  });
});
