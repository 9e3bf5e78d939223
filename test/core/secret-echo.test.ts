/**
 * Secrets passed by mistake are never echoed (issue 14 finding 5): a value given to `Secret.fromEnv` /
 * `fromKeyVault`, a token pasted as an SSH public key (in its own diagnostic and in the schema check's), an
 * identifier-shaped token that would otherwise land in the manifest, and the uncaught error Node prints when the
 * user's program throws (which the CLI passes on inside `AppFailed`).
 */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ComputeCluster, ComputeInstance, Secret, SshAccess, ValidationError, VmSize } from '../../lib/index.js';
import { formatDiagnostic } from '../../lib/core/errors.js';
import { looksLikeSecret, redactSecrets, safeJson } from '../../lib/core/redact.js';
import { Template } from '../../lib/testing/index.js';
import { alice, setup } from '../constructs/fixtures.js';
import { killAll, runCli } from '../helpers/cli.js';
import { writeTeamProgram } from '../helpers/program.js';

/** Planted values: a password, a GitHub token that is also a valid identifier, a storage key, a JWT. */
const PASSWORD = 'Xk9#mP2$vL7qR4!wZ';
const TOKEN = 'ghp_R8x2Lq9ZtW4mV7nB3cK6yH1pD5sF0gJ2aE8u';
const STORAGE_KEY = 'q3VQw9Zk1Yt0xR2mP8nL4bC7dE6fG5hJ3kM9oN1pQ2rS4tU6vW8xY0zA1bC3dE5fG7hJ9kL1mN3oP5qR7sT9uV==';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
const PLANTED = [PASSWORD, TOKEN, STORAGE_KEY, JWT];

/** Everything an error can show: message, own properties as Node prints them, the stack. */
function everythingShown(err: unknown): string {
  return `${String(err)}\n${inspect(err, { depth: 10 })}\n${(err as Error).stack ?? ''}`;
}

function assertNoPlanted(text: string, what: string): void {
  for (const s of PLANTED) assert.equal(text.includes(s), false, `${what} shows a planted secret:\n${text}`);
  for (const s of PLANTED) assert.equal(text.includes(s.slice(0, 12)), false, `${what} shows a prefix of a secret`);
}

describe('secret values are never echoed', () => {
  test('Secret.fromEnv / fromKeyVault given a value: InvalidSecretRef that names the mistake but not the value', () => {
    for (const value of PLANTED) {
      let caught: unknown;
      try {
        Secret.fromEnv(value);
      } catch (err) {
        caught = err;
      }
      assert.ok(caught instanceof ValidationError);
      assert.equal(caught.code, 'InvalidSecretRef');
      assert.match(caught.message, /Secret\.fromEnv needs the name of an environment variable/);
      assertNoPlanted(everythingShown(caught) + formatDiagnostic(caught.toDiagnostic()), 'fromEnv');
      for (const [vault, name] of [
        [value, 'ok-name'],
        ['kv-team', value],
      ]) {
        let kv: unknown;
        try {
          Secret.fromKeyVault(vault, name);
        } catch (err) {
          kv = err;
        }
        assert.ok(kv instanceof ValidationError);
        assert.equal(kv.code, 'InvalidSecretRef');
        assertNoPlanted(everythingShown(kv) + formatDiagnostic(kv.toDiagnostic()), 'fromKeyVault');
      }
    }
  });

  test('an identifier-shaped token is refused rather than written into the manifest as a variable name', () => {
    assert.throws(
      () => Secret.fromEnv(TOKEN),
      (e: ValidationError) => e.code === 'InvalidSecretRef' && /looks like a secret value/.test(e.message),
    );
    // Real names still work.
    assert.equal(String(Secret.fromEnv('CLUSTER_ADMIN_PASSWORD')), '<secret env:CLUSTER_ADMIN_PASSWORD>');
    assert.equal(
      String(Secret.fromKeyVault('kv-team', 'cluster-admin-password')),
      '<secret keyvault:kv-team/cluster-admin-password>',
    );
  });

  test('a token pasted as an SSH public key is not echoed by InvalidSshPublicKey nor by the schema check', () => {
    const { stack, ws } = setup();
    new ComputeInstance(ws, 'I', {
      vmSize: VmSize.STANDARD_DS3_V2,
      assignedUser: alice(),
      sshAccess: SshAccess.enabled({ publicKey: TOKEN }),
    });
    new ComputeCluster(ws, 'C', {
      vmSize: VmSize.STANDARD_DS3_V2,
      maxNodeCount: 2,
      sshAccess: SshAccess.enabled({ publicKey: JWT }),
    });
    const t = Template.fromStack(stack);
    const d = t.hasError('InvalidSshPublicKey', 'Team/Ws/I');
    assert.match(String(d.value), /characters, not an OpenSSH public key \(value hidden\)/);
    t.hasError('InvalidSshPublicKey', 'Team/Ws/C');
    const all = t.diagnostics.map((x) => `${formatDiagnostic(x)} ${JSON.stringify(x)}`).join('\n');
    assertNoPlanted(all, 'diagnostics');
  });

  test('a program that throws on Secret.fromEnv(process.env.PW): AppFailed carries no value but keeps the user line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'amlcdk-echo-'));
    try {
      // A value where a name belongs, thrown uncaught inside the user's process (Node prints such errors itself).
      writeTeamProgram(dir, [
        `import { Secret, SshAccess, ComputeInstance } from '${new URL('../../lib/index.ts', import.meta.url).href}';`,
        `new ComputeInstance(ws, 'I', { vmSize: VmSize.STANDARD_DS3_V2, sshAccess: SshAccess.enabled({ publicKey: process.env.PUBKEY, password: Secret.fromEnv(process.env.PW) }) });`,
      ]);
      const r = await runCli(['synth', '-o', 'out'], dir, { env: { PW: PASSWORD, PUBKEY: TOKEN } });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /AppFailed/);
      assert.match(r.stderr, /InvalidSecretRef/);
      // The program's own trace stays (it shows the user's line), the planted values do not.
      assert.match(r.stderr, /main\.ts:6/);
      assert.doesNotMatch(r.stderr, /<redacted: value of PWD>/);
      assertNoPlanted(r.stdout + r.stderr, 'amlcdk synth');
    } finally {
      killAll();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('redaction', () => {
  test('looksLikeSecret: tokens, keys and passwords yes; names, ids, sizes, paths no', () => {
    for (const s of [...PLANTED, 'AKIAIOSFODNN7EXAMPLE', 'AccountKey=abcd1234efgh', 'sk-proj-abcdefghijklmnopqrstuv'])
      assert.equal(looksLikeSecret(s), true, s);
    for (const s of [
      'CLUSTER_ADMIN_PASSWORD',
      'Standard_NC24ads_A100_v4',
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg',
      '11111111-1111-1111-1111-111111111111',
      'gpu-cluster-1',
      'AzureML-In-44224',
      'Team/Ws/GpuCluster',
      '/tmp/amlcdk-cli-Xy7Zk2/out',
      'https://127.0.0.1:8443',
      'sha256:' + 'ab'.repeat(32),
    ])
      assert.equal(looksLikeSecret(s), false, s);
  });

  test('redactSecrets removes planted values from free text, keeping the rest', () => {
    const text = `login failed for admin with "${PASSWORD}"; token=${TOKEN} key ${STORAGE_KEY} at Team/Ws/Gpu`;
    const out = redactSecrets(text);
    assertNoPlanted(out, 'redactSecrets');
    assert.match(out, /login failed for admin with/);
    assert.match(out, /at Team\/Ws\/Gpu/);
  });

  test('formatDiagnostic and safeJson never throw: circular, BigInt, Proxy, throwing getters, null-prototype', () => {
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    const getter = Object.defineProperty({}, 'x', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    const proxy = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    const values: unknown[] = [circular, 10n, proxy, getter, Object.create(null), Symbol('s'), () => 1, [PASSWORD]];
    for (const value of values) {
      const line = formatDiagnostic({ level: 'error', code: 'X', path: 'p', message: 'm', value });
      assert.match(line, /^\[p\] X: m \(got .+\)$/);
      assertNoPlanted(line + safeJson(value), 'formatDiagnostic');
    }
  });
});
