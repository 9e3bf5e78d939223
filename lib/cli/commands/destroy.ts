/**
 * `amlcdk destroy [--app <cmd> | --manifest <path> | --stack <name>] [--yes]`
 *
 * Deletes everything the stack owns, dependents first: managed compute with `underlyingResourceAction=Delete`,
 * attached compute detached (`Detach`, the cluster or VM survives), workspaces soft-deleted (purged only with
 * deletePolicy `Purge`), `Retain` resources forgotten but left in Azure; `protect`ed resources refuse (nothing
 * is deleted). Asks for confirmation on a TTY; `--yes` skips it; without a TTY and without `--yes` it refuses
 * (exit 2). Exit 0 all deleted, 1 something failed, 2 usage.
 */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { MANIFEST_SCHEMA_VERSION, type Manifest } from '../../manifest/types.js';
import { applyStack, type ApplyResult } from '../../reconciler/apply.js';
import { ExitCode } from '../exit-code.js';
import { confirmer, printResult, progressPrinter } from './apply.js';
import { connect, loadDesired, openStore, painterFor, type TargetOptions } from './plan.js';
import { loadConfig } from '../config.js';
import { addTargetOptions } from '../target-options.js';

export interface DestroyCommandOptions extends TargetOptions {
  readonly yes?: boolean;
  readonly json?: boolean;
}

export function register(program: Command): void {
  addTargetOptions(program.command('destroy'), {
    manifest: 'the stacks of a manifest file or directory',
    stack: 'the stack to destroy (needed without --app / --manifest)',
  })
    .description('delete every resource the stack owns (attached compute is detached, Retain resources are kept)')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--json', 'print the results as JSON on stdout')
    .action(async (opts: DestroyCommandOptions) => {
      const code = await runDestroy(opts);
      if (code !== 0) throw new ExitCode(code);
    });
}

export async function runDestroy(
  opts: DestroyCommandOptions,
  out: NodeJS.WriteStream = process.stdout,
  cwd = process.cwd(),
): Promise<number> {
  const p = painterFor(out);
  const store = await openStore(opts, cwd);
  let manifests: Manifest[];
  if (!opts.app && !opts.manifest && (opts.stack || !loadConfig(cwd).app)) {
    if (!opts.stack)
      throw new UsageError(
        'NoStack',
        "which stack? pass --stack <name>, or --app / --manifest to destroy the program's stacks",
      );
    const state = await store.load(opts.stack);
    const stack = state?.manifest?.stack ?? {
      name: opts.stack,
      subscriptionId: '',
      resourceGroup: '',
      location: '',
      tags: {},
    };
    // Without a program, the scopes the stack declared are those of the manifest it last applied (the resources
    // are not desired: destroy deletes everything the state owns, inside those scopes).
    manifests = [
      {
        schemaVersion: MANIFEST_SCHEMA_VERSION,
        stack,
        resources: state?.manifest?.resources ?? [],
        hash: state?.manifest?.hash ?? 'sha256:none',
      },
    ];
  } else {
    manifests = await loadDesired(opts, cwd);
  }
  const confirm = confirmer(opts.yes, 'destroy', out, p);
  const conn = await connect(opts, cwd);
  const progress = progressPrinter(out, p);
  const results: ApplyResult[] = [];
  try {
    for (const manifest of manifests) {
      out.write(p.bold(`Destroy stack ${manifest.stack.name} → ${conn.label}`) + '\n');
      const r = await applyStack({
        client: conn.client,
        store,
        manifest,
        mode: 'destroy',
        operation: 'destroy',
        ...(confirm ? { confirm } : {}),
        onEvent: opts.json ? undefined : (e) => (e.kind === 'planned' ? undefined : progress(e)),
      });
      results.push(r);
      if (!opts.json) printResult(r, out, p, 'Destroy');
    }
  } finally {
    await conn.close();
  }
  if (opts.json)
    out.write(
      JSON.stringify(
        results.map((r) => ({ stack: r.plan.stack, summary: r.summary, outcomes: r.outcomes, cancelled: r.cancelled })),
        null,
        2,
      ) + '\n',
    );
  return results.some((r) => r.summary.failed > 0 || r.summary.skipped > 0) ? 1 : 0;
}
