/**
 * `amlcdk.json`, the project configuration:
 * `{ "app": "tsx main.ts", "outdir": "amlcdk.out", "target": "local" | "azure", "state": "file" | "azblob://…",
 *    "profile": "dev" | "prod", "appTimeout": "10m" }`. Command-line flags win over the file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import { parseJsonText } from '../core/json.js';

export interface ProjectConfig {
  /** Shell command that runs the user's program, e.g. `npx tsx main.ts`. */
  readonly app?: string;
  /** Where manifests are written. @default amlcdk.out */
  readonly outdir?: string;
  /** `local` (embedded emulator) or `azure`. @default local */
  readonly target?: 'local' | 'azure';
  /** `file` (under .amlcdk/) or `azblob://account/container/prefix`. @default file */
  readonly state?: string;
  /** How long the program may run before it is stopped (`AppTimeout`): "90s", "20m", or seconds. @default "10m" */
  readonly appTimeout?: string | number;
  /** Policy profile. @default dev */
  readonly profile?: 'dev' | 'prod';
  /** Extra keys are kept for commands that define them. */
  readonly [key: string]: unknown;
}

export const CONFIG_FILE = 'amlcdk.json';

/** Load `amlcdk.json` from `cwd`; an absent file is an empty config, a malformed one an InputError with the line. */
export function loadConfig(cwd: string = process.cwd()): ProjectConfig {
  const file = join(cwd, CONFIG_FILE);
  if (!existsSync(file)) return {};
  const text = readFileSync(file, 'utf8');
  const parsed = parseJsonText(text, {
    code: 'ConfigInvalidJson',
    file: CONFIG_FILE,
    what: CONFIG_FILE,
    fix: 'fix the JSON syntax (no comments or trailing commas)',
  });
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InputError('ConfigNotObject', `${CONFIG_FILE} must contain a JSON object`, {
      file: CONFIG_FILE,
      line: 1,
      fix: 'write { "app": "npx tsx main.ts" }',
    });
  }
  const cfg = parsed as Record<string, unknown>;
  for (const key of ['app', 'outdir', 'state'] as const) {
    if (cfg[key] !== undefined && typeof cfg[key] !== 'string') {
      throw new InputError(
        'ConfigInvalidValue',
        `"${key}" in ${CONFIG_FILE} must be a string, got ${JSON.stringify(cfg[key])}`,
        { file: CONFIG_FILE, fix: `set "${key}" to a string` },
      );
    }
  }
  if (cfg.target !== undefined && cfg.target !== 'local' && cfg.target !== 'azure') {
    throw new InputError(
      'ConfigInvalidValue',
      `"target" in ${CONFIG_FILE} must be "local" or "azure", got ${JSON.stringify(cfg.target)}`,
      { file: CONFIG_FILE, fix: 'use "local" for the embedded emulator or "azure"' },
    );
  }
  return cfg;
}
