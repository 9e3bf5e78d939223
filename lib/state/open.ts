/**
 * `openStateStore(location)`: the one place that turns the `state` setting of amlcdk.json (or `--state`) into a
 * store: `file` (default, `.amlcdk/` under the working directory), `file://<dir>`, or
 * `azblob://<account>/<container>[/<prefix>]`.
 */
import { isAbsolute, resolve } from 'node:path';
import { InputError } from '../core/errors.js';
import { BlobStateStore, type BlobStateStoreOptions } from './blob-store.js';
import { FileStateStore } from './file-store.js';
import type { StateStore } from './types.js';

export interface OpenStateStoreOptions {
  /** Base for relative file locations. @default process.cwd() */
  readonly cwd?: string;
  /** Options of the blob store (credentials, Azurite endpoint). */
  readonly blob?: BlobStateStoreOptions;
  /** Where notices (torn journal line dropped, ...) go. @default stderr */
  readonly onNotice?: (message: string) => void;
  /** Where the location was set, named in errors: a file, or an option such as `--state`. @default 'amlcdk.json' */
  readonly source?: string;
}

/**
 * @example
 * const store = openStateStore(config.state ?? 'file');
 * const store2 = openStateStore('azblob://mystateacct/amlcdk-state/team-a');
 */
export function openStateStore(
  location: string | undefined,
  options: OpenStateStoreOptions = {},
): FileStateStore | BlobStateStore {
  const cwd = options.cwd ?? process.cwd();
  const loc = (location ?? 'file').trim();
  const source = options.source ?? 'amlcdk.json';
  if (loc === 'file' || loc === '') return new FileStateStore({ cwd, onNotice: options.onNotice });
  if (loc.startsWith('file://')) {
    const dir = decodeURIComponent(loc.slice('file://'.length));
    if (dir === '') throw invalid(loc, 'names no directory', source);
    return new FileStateStore({ cwd, dir: isAbsolute(dir) ? dir : resolve(cwd, dir), onNotice: options.onNotice });
  }
  if (loc.startsWith('azblob://'))
    return new BlobStateStore(loc, {
      ...(options.blob ?? {}),
      ...(options.onNotice ? { onNotice: options.onNotice } : {}),
    });
  throw invalid(loc, 'has an unknown scheme', source);
}

function invalid(loc: string, why: string, source: string): InputError {
  const option = source.startsWith('--');
  return new InputError(
    'InvalidStateLocation',
    `${option ? `${source}: ` : ''}state location ${JSON.stringify(loc)} ${why}; allowed: "file" (./.amlcdk), "file://<dir>", "azblob://<account>/<container>[/<prefix>]".`,
    {
      ...(option ? {} : { file: source }),
      fix: `set ${option ? source : `"state" in ${source}`} to one of the allowed forms, e.g. "file" or "azblob://mystateacct/amlcdk-state/team-a"`,
    },
  );
}

export type { StateStore };
