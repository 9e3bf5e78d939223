/**
 * `amlcdk state show <stack> [--json]` and `amlcdk state break-lock <stack>`.
 * `break-lock` removes a stale lock left by a killed run (after checking nobody is applying); it prints the holder
 * it removed. Exit 0 done, 1 nothing to do / no state, 2 usage.
 */
import type { Command } from 'commander';
import { ExitCode } from '../exit-code.js';
import { openStore, painterFor, type TargetOptions } from './plan.js';

export function register(program: Command): void {
  const state = program.command('state').description('inspect the state of a stack, or break a stale lock');
  state
    .command('show')
    .argument('<stack>', 'stack name')
    .option('--state <spec>', 'state store: file (default, .amlcdk/) or azblob://account/container/prefix')
    .option('--json', 'print the state as JSON')
    .description('list the resources the stack owns')
    .action(async (stack: string, opts: TargetOptions & { json?: boolean }) => {
      const code = await runStateShow(stack, opts);
      if (code !== 0) throw new ExitCode(code);
    });
  state
    .command('break-lock')
    .argument('<stack>', 'stack name')
    .option('--state <spec>', 'state store: file (default, .amlcdk/) or azblob://account/container/prefix')
    .description('remove a stale lock left by a killed run (make sure no apply is running)')
    .action(async (stack: string, opts: TargetOptions) => {
      const code = await runBreakLock(stack, opts);
      if (code !== 0) throw new ExitCode(code);
    });
}

export async function runStateShow(
  stack: string,
  opts: TargetOptions & { json?: boolean },
  out: NodeJS.WriteStream = process.stdout,
  cwd = process.cwd(),
): Promise<number> {
  const store = await openStore(opts, cwd);
  const st = await store.load(stack);
  if (!st) {
    out.write(`no state for stack ${stack} in ${store.location}\n`);
    return 1;
  }
  if (opts.json) {
    out.write(JSON.stringify(st, null, 2) + '\n');
    return 0;
  }
  const p = painterFor(out);
  const rs = Object.values(st.resources).sort((a, b) => (a.logicalId < b.logicalId ? -1 : 1));
  out.write(p.bold(`Stack ${stack}: ${rs.length} resource(s), updated ${st.updatedAt} (${store.location})`) + '\n');
  for (const r of rs) out.write(`  ${r.logicalId}  ${p.dim(r.ownership)}  ${p.dim(r.id)}\n`);
  return 0;
}

export async function runBreakLock(
  stack: string,
  opts: TargetOptions,
  out: NodeJS.WriteStream = process.stdout,
  cwd = process.cwd(),
): Promise<number> {
  const store = await openStore(opts, cwd);
  const holder = await store.breakLock(stack);
  if (!holder) {
    out.write(`stack ${stack} is not locked (${store.location})\n`);
    return 1;
  }
  out.write(
    `removed the lock of stack ${stack} held by ${holder.who}@${holder.host} pid ${holder.pid} (${holder.operation}, since ${holder.since})\n`,
  );
  return 0;
}
