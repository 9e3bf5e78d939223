/**
 * Writes docs/reliability.md from the figures the reliability suite recorded (test/reliability/support.ts
 * `record()`: one JSON file per test in the directory `AMLCDK_RELIABILITY_OUT` named). Nothing in the report is
 * typed by hand: a suite that did not run shows as "not run", a criterion that failed shows as failed.
 *
 * Usage: node --import tsx scripts/reliability-report.ts <figures dir> [output file]
 * (`npm run test:reliability` runs it through scripts/test-reliability.mjs).
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { text } from '../lib/core/text.js';

// The figures files the reliability tests write (JSON), read freely: the report prints what it finds.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Figures = any;

/** The figures files the report reads (one per recording test, plus the runner's): a test records, the report prints. */
export const FIGURES = [
  'runner',
  'crash',
  'fault-matrix',
  'scale',
  'concurrent-apply',
  'corrupted-state',
  'forged-state',
  'tampered-plan',
  'secret-scan',
  'secret-scan-commands',
  'fuzz',
  'construct-props-fuzz',
] as const;
export type FigureName = (typeof FIGURES)[number];

/** The slowest construct-props fuzz case allowed (issue 14: "no case over 5 s"). */
const PROP_FUZZ_CASE_LIMIT_MS = 5000;

const ok = (b: boolean | undefined): string => (b === undefined ? '— not run' : b ? '✔ met' : '✖ NOT met');
const n = (v: unknown): string => (typeof v === 'number' ? v.toLocaleString('en-US') : '—');
const row = (cells: unknown[]): string => `| ${cells.map((c) => text(c ?? '—').replace(/\|/g, '\\|')).join(' | ')} |`;

/** docs/reliability.md from the figures `load` returns (undefined: that test did not run), and how many criteria failed. */
export function renderReport(
  load: (name: FigureName) => Figures,
  rerun: readonly FigureName[] = [],
): { text: string; failed: number } {
  const runner = load('runner');
  const crash = load('crash');
  const faults = load('fault-matrix');
  const scale = load('scale');
  const concurrent = load('concurrent-apply');
  const corrupt = load('corrupted-state');
  const secrets = load('secret-scan');
  const secretCmds = load('secret-scan-commands');
  const fuzz = load('fuzz');
  const forged = load('forged-state');
  const tampered = load('tampered-plan');
  const propFuzz = load('construct-props-fuzz');

  const corruptRefused = corrupt
    ? ['fileState', 'fileJournal', 'blob'].reduce((s, k) => s + (corrupt[k]?.refused ?? 0), 0)
    : undefined;
  const corruptMutations = corrupt
    ? ['fileState', 'fileJournal', 'blob'].reduce((s, k) => s + (corrupt[k]?.mutations ?? 0), 0)
    : undefined;
  const corruptBad = corrupt
    ? ['fileState', 'fileJournal', 'blob'].reduce(
        (s, k) => s + (corrupt[k]?.acceptedDamaged ?? 0) + (corrupt[k]?.overwritten ?? 0) + (corrupt[k]?.writes ?? 0),
        0,
      ) +
      (corrupt.cli?.overwritten ?? 0) +
      (corrupt.cli?.stackTraces ?? 0)
    : undefined;

  const criteria: [string, boolean | undefined, string][] = [
    [
      'Crash trials: all converged, 0 orphans, 0 duplicate creates',
      crash
        ? crash.trialsRun > 0 &&
          crash.converged === crash.trialsRun &&
          crash.trialsRun >= crash.trialsPlanned &&
          crash.orphans === 0 &&
          crash.duplicateCreates === 0
        : undefined,
      crash
        ? `${crash.converged}/${crash.trialsRun} converged (${crash.trialsPlanned} planned), ${crash.orphans} orphans, ${crash.duplicateCreates} duplicate creates`
        : '',
    ],
    [
      'SIGKILL trials: every rerun continues without a manual break-lock (issue 14)',
      crash
        ? crash.killed > 0 &&
          crash.breakLocks === 0 &&
          crash.tookOverLock === crash.killed &&
          crash.converged === crash.trialsRun
        : undefined,
      crash
        ? `${crash.killed} killed mid-run: ${crash.tookOverLock} reruns took the lock over by themselves, ${crash.breakLocks} needed break-lock`
        : '',
    ],
    [
      'Fault matrix: every row converged or stopped cleanly',
      faults
        ? faults.rows.length > 0 &&
          faults.rows.every((r: Figures) => r.duplicateCreates === 0 && r.orphans === 0 && r.replanChanges === 0)
        : undefined,
      faults
        ? `${faults.rows.length} rows, ${faults.rows.filter((r: Figures) => r.outcome === 'converged').length} converged in the faulty run, ${faults.rows.filter((r: Figures) => r.outcome !== 'converged').length} stopped cleanly then converged`
        : '',
    ],
    [
      'Scale: one create per resource id; re-plan with 0 changes in at most 1 read per 50 resources (issue 17)',
      scale
        ? scale.duplicateCreates === 0 &&
          scale.replanChanges === 0 &&
          typeof scale.replanReads === 'number' &&
          scale.replanReads <= scale.readsGoal
        : undefined,
      scale
        ? `${n(scale.resources)} resources in ${n(scale.resourceGroups)} resource groups: ${scale.duplicateCreates} duplicate creates, ${scale.replanChanges} re-plan changes, ${n(scale.replanReads)} re-plan reads (goal ${n(scale.readsGoal)})`
        : '',
    ],
    [
      'Concurrent applies: one proceeds, the other refused with StateLocked naming the holder',
      concurrent
        ? concurrent.pairs > 0 &&
          concurrent.proceeded === concurrent.pairs &&
          concurrent.refusedStateLocked === concurrent.pairs &&
          concurrent.refusalsNamingHolder === concurrent.pairs &&
          concurrent.orphans === 0 &&
          concurrent.duplicateCreates === 0
        : undefined,
      concurrent
        ? `${concurrent.pairs} pairs: ${concurrent.proceeded} proceeded, ${concurrent.refusedStateLocked} refused`
        : '',
    ],
    [
      'Corrupted state/journal: refused with a coded message, nothing overwritten',
      corrupt ? corruptBad === 0 : undefined,
      corrupt
        ? `${corruptRefused}/${corruptMutations} damaged files refused, the rest harmless; ${corruptBad} accepted-damaged/overwritten`
        : '',
    ],
    [
      "Forged state (foreign, `..` and odd ids): 0 requests outside the stack's scopes (issue 14)",
      forged
        ? forged.trials > 0 &&
          forged.refused === forged.trials &&
          forged.outsideRequests === 0 &&
          forged.victimsDeleted === 0
        : undefined,
      forged
        ? `${n(forged.trials)} forged states and journals, ${n(forged.runs)} runs: ${n(forged.refused)} trials refused, ${forged.outsideRequests} requests outside the stack, ${forged.victimsDeleted} victims deleted`
        : '',
    ],
    [
      'Tampered saved plans (values, hash, fingerprint removed): 0 applied (issue 14)',
      tampered
        ? tampered.trials > 0 && tampered.applied === 0 && tampered.writes === 0 && tampered.refused === tampered.trials
        : undefined,
      tampered
        ? `${n(tampered.trials)} tampered plans: ${n(tampered.refused)} refused, ${tampered.applied} applied, ${tampered.writes} writes sent`
        : '',
    ],
    [
      '0 secrets found (synth, plan, apply killed and resumed; every other command and error path)',
      secrets && secretCmds
        ? secrets.secretsFound === 0 &&
          secrets.filesScanned > 0 &&
          secretCmds.secretsFound === 0 &&
          secretCmds.filesScanned > 0
        : secrets || secretCmds
          ? false
          : undefined,
      secrets || secretCmds
        ? `${(secrets?.secretsFound ?? 0) + (secretCmds?.secretsFound ?? 0)} found in ${(secrets?.filesScanned ?? 0) + (secretCmds?.filesScanned ?? 0)} files and ${(secrets?.textsScanned ?? 0) + (secretCmds?.textsScanned ?? 0)} logs${secrets && secretCmds ? '' : ' (one of the two scans did not run)'}`
        : '',
    ],
    [
      '0 fuzz crashes',
      fuzz ? fuzz.crashes === 0 && fuzz.runs > 0 : undefined,
      fuzz ? `${n(fuzz.runs)} runs, ${fuzz.crashes} crashes` : '',
    ],
    [
      'Construct props fuzz: 0 uncoded exceptions, 0 hangs (no case over 5 s) (issue 14)',
      propFuzz
        ? propFuzz.runs > 0 && propFuzz.uncoded === 0 && propFuzz.slowestMs <= PROP_FUZZ_CASE_LIMIT_MS
        : undefined,
      propFuzz
        ? `${n(propFuzz.runs)} cases: ${propFuzz.uncoded} uncoded exceptions, slowest ${n(propFuzz.slowestMs)} ms (${propFuzz.slowest})`
        : '',
    ],
  ];

  const cpu = cpus();
  const lines: string[] = [];
  const date = runner?.startedAt ?? new Date().toISOString();
  lines.push('# Reliability', '');
  lines.push(
    '<!-- Generated by scripts/reliability-report.ts from the figures `npm run test:reliability` records. Do not edit by hand. -->',
    '',
  );
  lines.push(
    `Measured ${date.slice(0, 10)} (${date}) on ${platform()} ${release()} ${arch()}, ${cpu.length} × ${cpu[0]?.model?.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}; the machine was shared with other work.`,
  );
  if (runner)
    lines.push(
      '',
      `Test run: ${n(runner.passed)} passed, ${n(runner.failed)} failed in ${(runner.elapsedMs / 60000).toFixed(1)} min; sizes: ${Object.entries(
        runner.sizes ?? {},
      )
        .map(([k, v]) => `\`${k}=${String(v)}\``)
        .join(', ')}.`,
    );
  if (rerun.length)
    lines.push(
      '',
      `Rerun alone after that run, into the same figures (these replace the run's own): ${rerun.map((r) => `\`${r}\``).join(', ')}.`,
    );
  lines.push(
    '',
    'Reproduce with `npm run test:reliability` (scripts/test-reliability.mjs). `npm test` runs the same suites at a smaller size.',
    '',
  );

  lines.push(
    '## Criteria (issue 8 item 3, issue 14)',
    '',
    row(['criterion', 'result', 'figures']),
    row(['---', '---', '---']),
  );
  for (const [c, b, f] of criteria) lines.push(row([c, ok(b), f]));
  lines.push('');

  lines.push(
    '## Crash trials',
    '',
    "An apply of a workspace and 52 clusters, run as `amlcdk apply` in a child process against the emulator, SIGKILLed after a seeded random number of ARM writes, then rerun as is: the rerun takes the killed run's lock over by itself (same host, its pid is gone), says so naming the old holder, and resumes the journal; no `amlcdk state break-lock`. Counted from the emulator's per-id create counters and a live listing compared with the state (test/e2e/crash.test.ts).",
    '',
  );
  if (crash) {
    lines.push(
      row([
        'trials run',
        'killed mid-run',
        'lock taken over by the rerun',
        'manual break-lock',
        'converged',
        'resumed a journal',
        'orphans',
        'duplicate creates',
        'seed',
      ]),
      row(['---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
    );
    lines.push(
      row([
        crash.trialsRun,
        crash.killed,
        crash.tookOverLock,
        crash.breakLocks,
        crash.converged,
        crash.trials.filter((t: Figures) => t.resumed).length,
        crash.orphans,
        crash.duplicateCreates,
        crash.seed,
      ]),
    );
    lines.push(
      '',
      `Kill points (writes before SIGKILL): ${crash.trials.map((t: Figures) => t.killedAfterWrites).join(', ')}.`,
      '',
    );
  } else lines.push('Not run.', '');

  lines.push(
    '## Fault matrix',
    '',
    'One seeded apply per failure mode, the emulator injecting the fault; then a rerun without faults where the first run stopped. Every row: 0 duplicate creates, 0 orphans, empty journal, re-plan with 0 changes (test/reliability/fault-matrix.test.ts).',
    '',
  );
  if (faults) {
    lines.push(`${faults.clusters} clusters per row, seed ${faults.seed}.`, '');
    lines.push(
      row([
        'fault',
        'resources',
        'outcome',
        'first run',
        'faults injected',
        'restarts',
        'duplicate creates',
        'orphans',
        're-plan changes',
      ]),
      row(['---', '---:', '---', '---', '---:', '---:', '---:', '---:', '---:']),
    );
    for (const r of faults.rows)
      lines.push(
        row([
          r.row,
          r.resources,
          r.outcome,
          r.firstRun,
          r.faultsInjected,
          r.restarts,
          r.duplicateCreates,
          r.orphans,
          r.replanChanges,
        ]),
      );
    lines.push('');
  } else lines.push('Not run.', '');

  lines.push('## Scale', '');
  if (scale) {
    lines.push(
      row([
        'resources',
        'resource groups',
        'creates',
        'duplicate creates',
        're-plan changes',
        're-plan reads',
        'reads goal (1 per 50)',
        're-plan time',
        'writes on a no-op re-apply',
        'throttled (429)',
        'apply time',
      ]),
      row(['---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
    );
    lines.push(
      row([
        n(scale.resources),
        n(scale.resourceGroups),
        n(scale.creates),
        scale.duplicateCreates,
        scale.replanChanges,
        n(scale.replanReads),
        `${n(scale.readsGoal)} ${scale.replanReads <= scale.readsGoal ? '(met)' : '(**not met**)'}`,
        typeof scale.replanMs === 'number' ? `${(scale.replanMs / 1000).toFixed(1)} s` : '—',
        scale.noopWrites,
        scale.throttled,
        `${(scale.applyMs / 1000).toFixed(1)} s`,
      ]),
      '',
    );
    lines.push(
      `An estate of one team per resource group (a workspace with its five dependencies, a personal compute instance per member with the member's grant on it, two group grants on the workspace) applied stack by stack. The emulator's token buckets have ARM's sizes but refill 100× faster, so the apply time measures the engine, not ARM's limits. The re-plan reads by lists at ${n(scale.pageSize)} items a page: the test checks that it made exactly one read per list page (one list per resource group and type, per workspace for computes, per resource group for role assignments) plus one GET per workspace and Log Analytics workspace (types observed without a list), and no GET to confirm anything (test/reliability/scale.test.ts).`,
      '',
    );
  } else lines.push('Not run.', '');

  lines.push(
    '## Concurrent applies',
    '',
    "Two `amlcdk apply --yes` processes started together on the same stack and state. The workspace create takes minutes of the emulator's clock, so the first to lock holds it until the other was refused (no timing assumed) (test/reliability/concurrent-apply.test.ts).",
    '',
  );
  if (concurrent) {
    lines.push(
      row([
        'store',
        'pairs',
        'proceeded',
        'refused with StateLocked',
        'refusal named the holder (pid, operation)',
        'converged',
        'orphans',
        'duplicate creates',
      ]),
      row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
    );
    for (const store of ['file', 'azblob']) {
      const ps = (concurrent.byStore as Figures[]).filter((p) => p.store === store);
      lines.push(
        row([
          store === 'file' ? 'file (.amlcdk/)' : 'Azure Blob (Azurite, lease)',
          ps.length,
          ps.reduce((s, p) => s + p.proceeded, 0),
          ps.reduce((s, p) => s + p.refusedStateLocked, 0),
          ps.filter((p) => p.refusalNamedHolder).length,
          ps.filter((p) => p.converged).length,
          ps.reduce((s, p) => s + p.orphans, 0),
          ps.reduce((s, p) => s + p.duplicateCreates, 0),
        ]),
      );
    }
    lines.push('');
  } else lines.push('Not run.', '');

  lines.push(
    '## Corrupted state and journal',
    '',
    'Seeded damage (a byte replaced, truncation, a run of NUL bytes) to the state file and to a journal caught mid-apply, then load and apply. "Harmless" means the state loaded with exactly the same stack, manifest and resources (only the header\'s serial or stack label changed; the checksum covers the content, not the header). A journal whose last line lost its newline or is NUL-padded is what a crash mid-append leaves; dropping that line is the designed recovery and is tested in test/state, not counted here (test/reliability/corrupted-state.test.ts).',
    '',
  );
  if (corrupt) {
    lines.push(
      row([
        'files',
        'mutations',
        'refused (coded, naming the file)',
        'harmless',
        'accepted with other content',
        'overwritten after refusal',
        'ARM writes by a refused run',
      ]),
      row(['---', '---:', '---:', '---:', '---:', '---:', '---:']),
    );
    for (const [k, label] of [
      ['fileState', 'state file'],
      ['fileJournal', 'journal file'],
      ['blob', 'state and journal blobs (Azurite)'],
    ] as const) {
      const t = corrupt[k];
      if (t) lines.push(row([label, t.mutations, t.refused, t.harmless, t.acceptedDamaged, t.overwritten, t.writes]));
    }
    if (corrupt.cli)
      lines.push(
        '',
        `CLI: ${corrupt.cli.runs} runs (\`plan\` on a damaged state, \`apply\` on a damaged journal), ${corrupt.cli.refusedExit2} exited 2 with the coded message, ${corrupt.cli.stackTraces} stack traces, ${corrupt.cli.overwritten} files changed.`,
      );
    lines.push('');
  } else lines.push('Not run.', '');

  lines.push(
    '## Forged state and journals',
    '',
    "A small stack applied for real against the emulator, then its state (or its journal) forged with one id outside the stack and a recomputed checksum: a plain id in another subscription or resource group, `..` segments that resolve there once the id becomes a URL, and odd forms (`.`, `//`, a query, `%2e`, a backslash, a trailing `/`, other casing, a bare resource group, a subscription-level id). `plan`, `apply`, `destroy` and `drift` run on each; every run must be refused with a coded error before it sends a request outside the stack's resource group, and the victims (a workspace in another resource group, one in another subscription) must still exist (test/reliability/forged-state.test.ts).",
    '',
  );
  if (forged) {
    lines.push(
      row([
        'forged ids (kinds)',
        'rounds',
        'trials (state + journal)',
        'runs',
        'trials refused',
        'requests outside the stack',
        'victims deleted',
      ]),
      row(['---:', '---:', '---:', '---:', '---:', '---:', '---:']),
      row([
        forged.kinds,
        forged.rounds,
        forged.trials,
        forged.runs,
        forged.refused,
        forged.outsideRequests,
        forged.victimsDeleted,
      ]),
      '',
    );
  } else lines.push('Not run.', '');

  lines.push(
    '## Tampered saved plans',
    '',
    'A change planned and saved as `amlcdk plan --out` saves it, then tampered the way someone with `contentHash` at hand would: a value edited in the embedded manifest with every hash recomputed, the reviewed changes edited, a foreign resource added, the fingerprint, the manifest hash or the changes removed or emptied. Each file goes through what `amlcdk apply <file>` does and must be refused with a coded error and 0 writes; the untampered file applies (test/reliability/tampered-plan.test.ts).',
    '',
  );
  if (tampered) {
    lines.push(
      row(['tampering kinds', 'rounds', 'trials', 'refused', 'applied', 'writes sent']),
      row(['---:', '---:', '---:', '---:', '---:', '---:']),
      row([tampered.kinds, tampered.rounds, tampered.trials, tampered.refused, tampered.applied, tampered.writes]),
      '',
      row(['tampering', 'refused with']),
      row(['---', '---']),
      ...Object.entries((tampered.codes ?? {}) as Record<string, string>).map(([k, c]) => row([k, `\`${c}\``])),
      '',
    );
  } else lines.push('Not run.', '');

  lines.push(
    '## Secret scanning',
    '',
    "A program with a cluster admin (SSH) password, an attached VM's admin password and private key and a Databricks token as `Secret.fromEnv` references, run through `synth`, `plan`, `plan --json --out`, an apply SIGKILLed mid-run (its journal stays on disk), the resumed apply and a re-plan with the values in the environment. Every file of the run (manifests, saved plan, state, previous state, journal, locks) and every captured stdout/stderr is scanned for the values, the storage keys the emulator returns from listKeys, and generic shapes (`AccountKey=`, SAS signatures, PEM private keys, password fields with a value) (test/reliability/secret-scan.test.ts, scanner in test/reliability/secret-scan.ts).",
    '',
  );
  if (secrets) {
    lines.push(
      row([
        'secrets seeded',
        'files scanned',
        'logs scanned',
        'bytes scanned',
        'journal scanned mid-run',
        'secrets found',
      ]),
      row(['---:', '---:', '---:', '---:', '---', '---:']),
    );
    lines.push(
      row([
        secrets.secretsSeeded,
        secrets.filesScanned,
        secrets.textsScanned,
        n(secrets.bytesScanned),
        secrets.journalScanned ? 'yes' : 'no (apply ended before the kill)',
        secrets.secretsFound,
      ]),
      '',
    );
    for (const f of secrets.findings ?? []) lines.push(`- ${f.source}:${f.line}: ${f.kind}`);
  } else lines.push('Not run.', '');

  lines.push(
    '### Every other command and error path',
    '',
    "The same program and values through `check` (text, JSON, SARIF, JUnit to a file), `apply`, `drift` (text and JSON), `state show` (text and JSON), `import` of the attached VM into a fresh state, `destroy` and `main-job` (on the embedded emulator); and the error paths: an apply whose attached-VM create fails in Azure, a state file with the VM password planted where the schema refuses it (`plan`, `state show`), `Secret.fromEnv` given the value instead of the name, and a token pasted into `publicKey`. Every stdout, stderr and file written is scanned; amlcdk's own errors must carry no stack trace (test/reliability/secret-scan-commands.test.ts).",
    '',
  );
  if (secretCmds) {
    lines.push(
      row(['runs', 'files scanned', 'logs scanned', 'bytes scanned', 'secrets found']),
      row(['---:', '---:', '---:', '---:', '---:']),
      row([
        secretCmds.commands.length,
        secretCmds.filesScanned,
        secretCmds.textsScanned,
        n(secretCmds.bytesScanned),
        secretCmds.secretsFound,
      ]),
      '',
      `Runs (exit code): ${(secretCmds.commands as Figures[]).map((c) => `${c.label} (${c.code})`).join(', ')}.`,
      '',
    );
    for (const f of secretCmds.findings ?? []) lines.push(`- ${f.source}:${f.line}: ${f.kind}`);
  } else lines.push('Not run.', '');

  lines.push(
    '## Fuzzing',
    '',
    'fast-check properties: random, reshaped and mutated JSON/YAML for every reader of user input, and junk construct props (test/reliability/fuzz-inputs.test.ts; compute, workspace and stack props are fuzzed in test/manifest/property.test.ts). A crash is anything but a coded `AmlcdkError`.',
    '',
  );
  if (fuzz) {
    lines.push(`Seed ${fuzz.seed}, ${n(fuzz.runsPerProperty)} runs per property.`, '');
    lines.push(
      row(['input', 'runs', 'refused with a coded error', 'accepted', 'crashes']),
      row(['---', '---:', '---:', '---:', '---:']),
    );
    for (const [k, f] of Object.entries(fuzz.properties as Record<string, Figures>))
      lines.push(row([k, n(f.runs), n(f.codedErrors), n(f.accepted), f.crashes]));
    lines.push(row(['**total**', n(fuzz.runs), '', '', fuzz.crashes]), '');
  } else lines.push('Not run.', '');

  lines.push(
    '## Construct props fuzz',
    '',
    'fast-check gives arbitrary JavaScript values to every prop of every exported construct and to every static factory (a test fails when an exported construct or factory has no fuzz target): `anything()` plus Proxies whose traps throw, BigInt, symbols, null-prototype, circular and 10,000-deep objects, a throwing `toString`, functions, huge and sparse arrays, constructs; and odd construct ids. Each case must synthesize or fail with a coded `AmlcdkError`; a case over 5 s counts as a hang (test/reliability/construct-props-fuzz.test.ts).',
    '',
  );
  if (propFuzz) {
    lines.push(
      row([
        'cases',
        'constructs',
        'factories',
        'refused with a coded error',
        'accepted',
        'uncoded exceptions',
        'slowest case',
      ]),
      row(['---:', '---:', '---:', '---:', '---:', '---:', '---']),
      row([
        n(propFuzz.runs),
        propFuzz.constructs,
        propFuzz.factories,
        n(propFuzz.codedErrors),
        n(propFuzz.accepted),
        propFuzz.uncoded,
        `${n(propFuzz.slowestMs)} ms (${propFuzz.slowest})`,
      ]),
      '',
    );
  } else lines.push('Not run.', '');

  const failed = criteria.filter(([, b]) => b === false).length;
  return { text: lines.join('\n').replace(/\n{3,}/g, '\n\n'), failed };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = process.argv[2] ?? process.env.AMLCDK_RELIABILITY_OUT;
  const outFile = process.argv[3] ?? join(import.meta.dirname, '..', 'docs', 'reliability.md');
  if (!dir || !existsSync(dir)) {
    process.stderr.write(
      'usage: node --import tsx scripts/reliability-report.ts <figures dir> [output file]\n(the directory the suite wrote with AMLCDK_RELIABILITY_OUT)\n',
    );
    process.exit(2);
  }
  // Figures written after the runner's summary come from a part rerun alone (AMLCDK_RELIABILITY_DIR): say which.
  const runnerFile = join(dir, 'runner.json');
  const runnerAt = existsSync(runnerFile) ? statSync(runnerFile).mtimeMs : Infinity;
  const rerun = FIGURES.filter((name) => {
    const f = join(dir, `${name}.json`);
    return name !== 'runner' && existsSync(f) && statSync(f).mtimeMs > runnerAt;
  });
  const { text: doc, failed } = renderReport((name) => {
    const f = join(dir, `${name}.json`);
    return existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : undefined;
  }, rerun);
  writeFileSync(outFile, doc);
  process.stdout.write(
    `wrote ${outFile.startsWith(process.cwd()) ? outFile.slice(process.cwd().length + 1) : outFile}\n`,
  );
  if (failed) process.stderr.write(`${failed} reliability criteria not met\n`);
  process.exitCode = failed ? 1 : 0;
}
