/**
 * `npm run test:azure [-- --record[=<dir>]] [-- --emulator]`: the acceptance flow (test/azure/acceptance.ts)
 * against real Azure, or against an emulator.
 *
 * Targets, first match wins:
 * - `--emulator`: starts an emulator on 127.0.0.1 for the run and reaches it by endpoint + CA (what CI does).
 * - `AMLCDK_ARM_ENDPOINT` (+ `AMLCDK_ARM_CA_FILE`): an emulator someone else started, as `amlcdk plan` reaches it.
 * - `AZURE_SUBSCRIPTION_ID` + a credential `DefaultAzureCredential` finds (az login, AZURE_CLIENT_ID/SECRET/TENANT_ID,
 *   a managed identity): real Azure. Without them the suite says how to run it and exits 0, skipped.
 *
 * `--record` (or `npm run test:azure --record`, which npm passes as `npm_config_record`) writes the run's ARM
 * exchanges, sanitized, as one corpus file (test/fixtures/azure-corpus/live/ by default).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import type { TokenCredential } from '@azure/core-auth';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { HttpArmClient, LocalCredential } from '../../lib/arm/index.js';
import { decodeUnsignedJwt } from '../../lib/arm/local-credential.js';
import { UsageError } from '../../lib/core/errors.js';
import { CORPUS_DIR, formatCorpusFile } from '../azure-corpus/format.js';
import { Sanitizer } from '../azure-corpus/sanitize.js';
import { runAcceptance, type AcceptanceReport } from './acceptance.js';
import { ExchangeRecorder } from './recorder.js';

const ROOT = join(import.meta.dirname, '..', '..');
/** The subscription an emulator run uses when AZURE_SUBSCRIPTION_ID is not set. */
export const EMULATOR_SUBSCRIPTION = '00000000-0000-0000-0000-0000000acc01';

export const HOW_TO_RUN = `npm run test:azure runs the real-Azure acceptance suite (docs/azure.md). Skipped: {reason}.
To run it against Azure:
  export AZURE_SUBSCRIPTION_ID=<subscription id>
  az login                       # or AZURE_TENANT_ID + AZURE_CLIENT_ID + AZURE_CLIENT_SECRET for a service principal
  export AMLCDK_ACCEPTANCE_USER_OBJECT_ID=<your Entra object id>   # needed when signed in as a service principal
  npm run test:azure             # add -- --record to write the traffic to test/fixtures/azure-corpus/live/
It creates a resource group amlcdk-acc-<time>-<random> tagged with an expiry, deploys the quickstart (a few cents:
see docs/azure.md) and deletes the group at the end, also on Ctrl-C.
To run it against the emulator instead: npm run test:azure -- --emulator`;

export interface MainIo {
  readonly log: (line: string) => void;
  /** Aborts the run (the caller wires Ctrl-C to it). */
  readonly signal?: AbortSignal;
  readonly onResourceGroup?: (name: string) => void;
  /** @default the repository root */
  readonly cwd?: string;
}

interface Args {
  readonly record?: string;
  readonly emulator: boolean;
}

function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): Args {
  let record: string | undefined;
  let emulator = false;
  for (const a of argv) {
    if (a === '--record') record = '';
    else if (a.startsWith('--record=')) record = a.slice('--record='.length);
    else if (a === '--emulator') emulator = true;
    else throw new Error(`unknown option ${a}; use --record[=<dir>] or --emulator`);
  }
  // `npm run test:azure --record` does not pass --record to the script: npm keeps it as config.
  if (record === undefined && env.npm_config_record !== undefined && env.npm_config_record !== 'false')
    record = env.npm_config_record === 'true' || env.npm_config_record === '' ? '' : env.npm_config_record;
  return { ...(record !== undefined ? { record } : {}), emulator };
}

/** An https.Agent trusting the emulator's certificate, for Microsoft's SDK client (core-rest-pipeline). */
function trustPolicy(ca: string): { policy: PipelinePolicy; agent: https.Agent } {
  const agent = new https.Agent({ ca, keepAlive: false });
  return {
    agent,
    policy: {
      name: 'trustEmulatorCa',
      sendRequest: (request, next) => {
        request.agent = agent;
        return next(request);
      },
    },
  };
}

async function tokenClaims(credential: TokenCredential): Promise<Record<string, unknown>> {
  const token = await credential.getToken('https://management.azure.com/.default');
  if (!token) throw new Error('the credential returned no token');
  return decodeUnsignedJwt(token.token) ?? {};
}

function gitHead(cwd: string): string {
  try {
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
    return /^[0-9a-f]{40}$/.test(sha) ? sha : '0'.repeat(40);
  } catch {
    return '0'.repeat(40);
  }
}

/**
 * Where `--record` writes: the corpus's `live/` folder by default. An emulator's traffic is not evidence of Azure, so
 * an emulator run must name a folder, and never one inside the corpus.
 */
function recordDir(record: string, emulator: boolean, cwd: string): string {
  const corpus = resolve(cwd, CORPUS_DIR);
  const dir = resolve(cwd, record || join(CORPUS_DIR, 'live'));
  const inCorpus = dir === corpus || dir.startsWith(corpus + sep);
  if (emulator && inCorpus)
    throw new UsageError(
      'EmulatorRecordingInCorpus',
      `--record would write the emulator's own traffic into ${CORPUS_DIR}, where every file is evidence of real ` +
        'Azure. Fix: pass --record=<dir> outside the corpus for an emulator run, or run against Azure',
    );
  return dir;
}

/** Runs the suite; resolves to the exit code (0 when skipped). */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv, io: MainIo): Promise<number> {
  const args = parseArgs(argv, env);
  const cwd = io.cwd ?? ROOT;
  const cleanups: (() => Promise<void> | void)[] = [];
  try {
    let endpoint: string | undefined;
    let caPem: string | undefined;
    if (args.emulator) {
      const { startEmulator } = await import('../../lib/emulator/index.js');
      const dataDir = mkdtempSync(join(tmpdir(), 'amlcdk-acceptance-emulator-'));
      const emu = await startEmulator({
        dataDir,
        durations: { default: { create: 50, update: 50, delete: 50, action: 50 } },
      });
      cleanups.push(async () => {
        await emu.close();
        rmSync(dataDir, { recursive: true, force: true });
      });
      endpoint = emu.url;
      caPem = emu.caCertPem;
    } else if (env.AMLCDK_ARM_ENDPOINT) {
      endpoint = env.AMLCDK_ARM_ENDPOINT;
      caPem = env.AMLCDK_ARM_CA_FILE ? readFileSync(env.AMLCDK_ARM_CA_FILE, 'utf8') : undefined;
    }

    let credential: TokenCredential;
    let subscriptionId: string;
    if (endpoint !== undefined) {
      credential = new LocalCredential();
      subscriptionId = env.AZURE_SUBSCRIPTION_ID ?? EMULATOR_SUBSCRIPTION;
    } else {
      if (!env.AZURE_SUBSCRIPTION_ID) {
        io.log(HOW_TO_RUN.replace('{reason}', 'AZURE_SUBSCRIPTION_ID is not set'));
        return 0;
      }
      subscriptionId = env.AZURE_SUBSCRIPTION_ID;
      const { DefaultAzureCredential } = await import('@azure/identity');
      credential = new DefaultAzureCredential();
    }
    let claims: Record<string, unknown>;
    try {
      claims = await tokenClaims(credential);
    } catch (e) {
      io.log(HOW_TO_RUN.replace('{reason}', `no credential: ${(e as Error).message.split('\n')[0]}`));
      return 0;
    }
    const claim = (k: string): string | undefined => (typeof claims[k] === 'string' ? claims[k] : undefined);
    const tenantId = claim('tid') ?? env.AZURE_TENANT_ID ?? '';
    const oid = claim('oid');
    // An app-only token (a service principal) has idtyp 'app': the instance needs a user, named explicitly.
    const userObjectId = env.AMLCDK_ACCEPTANCE_USER_OBJECT_ID ?? (claim('idtyp') === 'app' ? undefined : oid);
    if (!userObjectId) {
      io.log(
        'npm run test:azure: signed in as an application, the compute instance needs a user: set ' +
          'AMLCDK_ACCEPTANCE_USER_OBJECT_ID to the Entra object id of the user who gets it.',
      );
      return 2;
    }

    const recordTo = args.record !== undefined ? recordDir(args.record, endpoint !== undefined, cwd) : undefined;
    const recorder = recordTo !== undefined ? new ExchangeRecorder() : undefined;
    const client = new HttpArmClient({
      ...(endpoint !== undefined ? { endpoint, poll: { initialDelayMs: 50, maxDelayMs: 1000 } } : {}),
      credential,
      ...(caPem !== undefined ? { caCertPem: caPem } : {}),
      ...(recorder ? { httpClient: recorder } : {}),
    });
    cleanups.push(() => client.close());
    const stateDir = mkdtempSync(join(tmpdir(), 'amlcdk-acceptance-state-'));
    cleanups.push(() => rmSync(stateDir, { recursive: true, force: true }));
    const location = env.AMLCDK_ACCEPTANCE_LOCATION ?? 'westeurope';
    io.log(
      `npm run test:azure against ${endpoint ?? 'Azure'} (subscription ${endpoint ? subscriptionId : '…' + subscriptionId.slice(-4)}, ${location})`,
    );
    const { AzureMachineLearningWorkspaces } = await import('@azure/arm-machinelearning');
    const report: AcceptanceReport = await runAcceptance(
      {
        client,
        subscriptionId,
        tenantId,
        userObjectId,
        location,
        stateDir,
        officialClient: () => {
          if (endpoint === undefined) return new AzureMachineLearningWorkspaces(credential, subscriptionId);
          const trust = caPem !== undefined ? trustPolicy(caPem) : undefined;
          if (trust) cleanups.push(() => trust.agent.destroy());
          return new AzureMachineLearningWorkspaces(credential, subscriptionId, {
            endpoint,
            ...(trust ? { additionalPolicies: [{ policy: trust.policy, position: 'perCall' as const }] } : {}),
          });
        },
      },
      {
        log: io.log,
        ...(io.signal ? { signal: io.signal } : {}),
        ...(io.onResourceGroup ? { onResourceGroup: io.onResourceGroup } : {}),
      },
    );

    if (recorder && recordTo !== undefined) {
      const dir = recordTo;
      mkdirSync(dir, { recursive: true });
      const day = new Date().toISOString().slice(0, 10);
      const file = join(
        dir,
        `quickstart-${endpoint ? 'emulator' : 'azure'}-${day}-${report.resourceGroup.slice(-8)}.json`,
      );
      const sanitizer = new Sanitizer({
        subscriptions: [subscriptionId],
        tenants: tenantId ? [tenantId] : [],
        people: [...new Set([userObjectId, oid ?? userObjectId])],
      });
      const corpus = recorder.toCorpus({
        title: `npm run test:azure: the quickstart applied, re-planned, drifted and destroyed (${endpoint ? 'emulator' : 'Azure'})`,
        source: {
          kind: 'live',
          repository: 'amlcdk',
          path: 'test/azure/acceptance.ts',
          commit: gitHead(cwd),
          recordedAt: day,
        },
        sanitizer,
        ...(endpoint !== undefined ? { endpoint } : {}),
      });
      writeFileSync(file, formatCorpusFile(corpus));
      io.log(`recorded ${corpus.exchanges.length} exchanges to ${relative(cwd, file)}`);
    }
    io.log(
      report.ok
        ? `test:azure passed (${report.steps.length} steps)`
        : `test:azure FAILED: ${report.steps
            .filter((s) => !s.ok)
            .map((s) => s.step)
            .join('; ')}`,
    );
    return report.ok ? 0 : 1;
  } finally {
    for (const c of cleanups.reverse()) await c();
  }
}
