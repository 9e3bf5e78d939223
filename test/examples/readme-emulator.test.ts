/**
 * Every example's README says how to run it on the local emulator, and the amlcdk commands it gives are real:
 * each subcommand and option exists in the CLI, and every program or file named is in the repository.
 */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { buildProgram } from '../../lib/cli/main.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const HEADING = '## On the local emulator';

/** Shell-like words of a command line: double quotes group, `#` starts a comment, a trailing `&` is dropped. */
function words(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let inWord = false;
  for (const ch of line) {
    if (ch === '"') {
      quoted = !quoted;
      inWord = true;
    } else if (!quoted && ch === '#') break;
    else if (!quoted && /\s/.test(ch)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (inWord) out.push(cur);
  return out.filter((w) => w !== '&');
}

/** The `npx amlcdk …` lines of the README's emulator section. */
function emulatorCommands(readme: string): string[][] {
  const at = readme.indexOf(HEADING);
  const next = readme.indexOf('\n## ', at + HEADING.length);
  const section = readme.slice(at, next < 0 ? undefined : next);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)]
    .flatMap((m) => m[1].split('\n'))
    .map((l) => l.trim())
    .filter((l) => l.startsWith('npx amlcdk '))
    .map((l) => words(l).slice(2));
}

/** The subcommand `args` name (`state show` is two levels), and the rest. */
function resolveCommand(program: Command, args: string[]): { cmd: Command; rest: string[] } {
  let cmd = program;
  let i = 0;
  for (; i < args.length; i++) {
    const sub = cmd.commands.find((c) => c.name() === args[i]);
    if (!sub) break;
    cmd = sub;
  }
  return { cmd, rest: args.slice(i) };
}

const examples = [...readdirSync(join(ROOT, 'examples'), { withFileTypes: true })]
  .filter((d) => d.isDirectory() && existsSync(join(ROOT, 'examples', d.name, 'README.md')))
  .map((d) => d.name);

describe('example READMEs: how to run on the local emulator', () => {
  test('there are examples with READMEs to check', () => {
    assert.ok(examples.length >= 9, examples.join(', '));
  });
  for (const ex of examples) {
    test(`${ex}: has "${HEADING}" with real amlcdk commands`, () => {
      const readme = readFileSync(join(ROOT, 'examples', ex, 'README.md'), 'utf8');
      assert.ok(readme.includes(`\n${HEADING}\n`), `examples/${ex}/README.md has no "${HEADING}" section`);
      const commands = emulatorCommands(readme);
      assert.ok(commands.length > 0, `examples/${ex}: the section gives no npx amlcdk command`);
      const program = buildProgram();
      for (const args of commands) {
        const { cmd, rest } = resolveCommand(program, args);
        assert.notEqual(cmd, program, `examples/${ex}: "amlcdk ${args.join(' ')}": no such command`);
        const longs = new Set(cmd.options.flatMap((o) => [o.long, o.short].filter((x): x is string => !!x)));
        for (const [i, w] of rest.entries()) {
          if (!w.startsWith('-')) continue;
          assert.ok(longs.has(w), `examples/${ex}: "amlcdk ${cmd.name()}" has no option ${w}`);
          // Programs and input files named must exist (outputs such as --out need not).
          if (w === '--app') {
            const file = rest[i + 1].split(/\s+/).find((x) => /\.(ts|js|mjs)$/.test(x));
            assert.ok(file && existsSync(join(ROOT, file)), `examples/${ex}: --app ${rest[i + 1]}`);
          }
          if (w === '--from-azml-yaml' || w === '--manifest')
            assert.ok(existsSync(join(ROOT, rest[i + 1])), `examples/${ex}: ${w} ${rest[i + 1]}`);
        }
        // --target is never needed: the embedded emulator is the default target.
        assert.ok(!rest.includes('azure'), `examples/${ex}: "${args.join(' ')}" targets Azure`);
      }
    });
  }

  test('the parser reads what a shell would', () => {
    assert.deepEqual(words('npx amlcdk apply --yes --app "tsx examples/x/main.ts"   # 9 created'), [
      'npx',
      'amlcdk',
      'apply',
      '--yes',
      '--app',
      'tsx examples/x/main.ts',
    ]);
    assert.deepEqual(words('npx amlcdk emulator --data-dir d &   # stop it'), [
      'npx',
      'amlcdk',
      'emulator',
      '--data-dir',
      'd',
    ]);
  });
});
