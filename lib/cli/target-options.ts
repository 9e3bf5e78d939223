/**
 * The options every command that reaches a target shares (plan, apply, destroy, drift, import): where the desired
 * state comes from (`--app`, `--manifest`, `--outdir`), where it goes (`--target`) and where state lives
 * (`--state`, `--stack`). One place keeps their names and help identical across commands.
 */
import type { Command } from 'commander';

export interface TargetOptionTexts {
  /** Help of `--app` (default: the program of amlcdk.json). */
  readonly app?: string;
  /** Help of `--manifest`. */
  readonly manifest: string;
  /** Help of `--stack`. */
  readonly stack: string;
}

export function addTargetOptions(cmd: Command, texts: TargetOptionTexts): Command {
  return cmd
    .option('--app <command>', texts.app ?? 'command that runs the program (default: "app" in amlcdk.json)')
    .option(
      '--app-timeout <duration>',
      'stop the program after this long, e.g. 90s, 20m (default: "appTimeout" in amlcdk.json, else 10m)',
    )
    .option('--manifest <path>', texts.manifest)
    .option('-o, --outdir <dir>', 'where synthesis writes the manifests')
    .option('--target <target>', 'local (embedded emulator, default) or azure')
    .option('--state <spec>', 'state store: file (default, .amlcdk/) or azblob://account/container/prefix')
    .option('--stack <name>', texts.stack);
}
