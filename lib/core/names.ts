/**
 * Deterministic resource names derived from construct paths, fitting each ARM type's rules, and the name rules
 * themselves (for validating names the user gives).
 *
 * A derived name is `<readable part>-<hash>`: the readable part comes from the construct id, the hash from the
 * full construct path (plus subscription and resource group for globally unique types), so two constructs never
 * derive the same name and the same program always derives the same names.
 *
 * Renames: moving or renaming a construct changes its path and so its derived name, which would replace the real
 * resource. Declare the old path to keep the name: `previousPath` on a resource's props, or
 * `Names.preserve(scope, 'Old/Path')` on a parent scope (applies to constructs created below it afterwards).
 */
import { createHash } from 'node:crypto';
import type { IConstruct } from 'constructs';
import { ValidationError } from './errors.js';
import { describeKind } from './text.js';

/** Name rule of one resource type. */
export interface NameRule {
  /** Human description used in errors, e.g. `3-24 lowercase letters and digits`. */
  readonly description: string;
  readonly pattern: RegExp;
  readonly minLength: number;
  readonly maxLength: number;
}

export const NAME_RULES = {
  /** Every compute type (2025-12-01 spec pattern): 3–24, starts with a letter, no trailing `-<digits>`. */
  compute: {
    description:
      '3-24 letters, digits or "-", starting with a letter, not ending in "-" followed only by digits (e.g. not "gpu-1")',
    pattern: /^[a-zA-Z](?![a-zA-Z0-9-]*-\d+$)[a-zA-Z0-9-]{2,23}$/,
    minLength: 3,
    maxLength: 24,
  },
  workspace: {
    description: '3-33 letters, digits, "_" or "-", starting with a letter or digit',
    pattern: /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$/,
    minLength: 3,
    maxLength: 33,
  },
  storageAccount: {
    description: '3-24 lowercase letters and digits (globally unique)',
    pattern: /^[a-z0-9]{3,24}$/,
    minLength: 3,
    maxLength: 24,
  },
  keyVault: {
    description:
      '3-24 letters, digits or "-", starting with a letter, ending with a letter or digit, no "--" (globally unique)',
    pattern: /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/,
    minLength: 3,
    maxLength: 24,
  },
  containerRegistry: {
    description: '5-50 letters and digits (globally unique)',
    pattern: /^[a-zA-Z0-9]{5,50}$/,
    minLength: 5,
    maxLength: 50,
  },
  datastore: {
    description: '1-255 letters, digits, "-" or "_", starting with a letter or digit',
    pattern: /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,254}$/,
    minLength: 1,
    maxLength: 255,
  },
  /** Most other ARM resources (identities, App Insights, Log Analytics, network resources). */
  generic: {
    description: '1-64 letters, digits, "-", "_" or ".", starting with a letter or digit, not ending in "." ',
    pattern: /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}[a-zA-Z0-9_]$|^[a-zA-Z0-9]$/,
    minLength: 1,
    maxLength: 64,
  },
  logAnalytics: {
    description: '4-63 letters, digits or "-", starting and ending with a letter or digit',
    pattern: /^[a-zA-Z0-9][a-zA-Z0-9-]{2,61}[a-zA-Z0-9]$/,
    minLength: 4,
    maxLength: 63,
  },
} satisfies Record<string, NameRule>;

export type NameKind = keyof typeof NAME_RULES;

/** Props every resource construct with a derived name accepts. */
export interface NamingProps {
  /**
   * The construct path this resource had before a refactor (e.g. `Team/Ws/OldCluster`). Its derived name is
   * computed from that path, so moving or renaming the construct does not rename (and so replace) the resource.
   * Ignored when an explicit name is given.
   * @default - the current construct path
   */
  readonly previousPath?: string;
}

const preserved = new WeakMap<IConstruct, string>();
let anyPreserved = false;

/** Naming helpers. */
export class Names {
  /**
   * Declare that `scope` used to live at `oldPath`: constructs created below `scope` afterwards derive their
   * names as if they were still under `oldPath`.
   *
   * @example
   * const ws = new Construct(stack, 'Research');   // was 'Ws' before the refactor
   * Names.preserve(ws, 'Team/Ws');
   */
  public static preserve(scope: IConstruct, oldPath: string): void {
    preserved.set(scope, pathArg(oldPath, 'oldPath').replace(/^\/+|\/+$/g, ''));
    anyPreserved = true;
  }

  /**
   * The construct path a resource had before a move (`previousPath`, or a `Names.preserve` above it), when it
   * differs from its path now: engines keep the resource under the new address (Pulumi aliases).
   */
  public static previousPathOf(c: IConstruct, previousPath?: string): string | undefined {
    if (previousPath !== undefined) pathArg(previousPath, 'previousPath');
    if (!previousPath && !anyPreserved) return undefined;
    const old = Names.pathFor(c, previousPath);
    return old && old !== c.node.path ? old : undefined;
  }

  /** The path a construct's name is derived from (its own path, or the preserved one). */
  public static pathFor(c: IConstruct, previousPath?: string): string {
    if (previousPath !== undefined && pathArg(previousPath, 'previousPath'))
      return previousPath.replace(/^\/+|\/+$/g, '');
    const ids: string[] = [];
    for (let s: IConstruct | undefined = c; s; s = s.node.scope) {
      const old = preserved.get(s);
      if (old !== undefined) return [old, ...ids].filter(Boolean).join('/');
      if (s.node.id) ids.unshift(s.node.id);
    }
    return ids.join('/');
  }

  /**
   * Derive a name of `kind` from a construct path. `salt` (e.g. subscription + resource group) is mixed into the
   * hash for globally unique names.
   */
  public static derive(kind: NameKind, path: string, salt = ''): string {
    nameKindArg(kind);
    pathArg(path, 'path');
    if (typeof salt !== 'string') throw argError('salt', salt, 'a string');
    const id = path.split('/').filter(Boolean).pop() ?? 'r';
    const h = hash32(`${salt}|${path}`);
    switch (kind) {
      case 'compute': {
        // Hash ends in a letter, so the name never ends in `-<digits>`.
        const readable = readablePart(id, /[^a-zA-Z0-9]+/g, '-').toLowerCase();
        const head = startWithLetter(readable, 'c')
          .slice(0, 24 - 7)
          .replace(/-+$/, '');
        return `${head}-${letterEnd(h.slice(0, 6))}`;
      }
      case 'workspace': {
        const readable = readablePart(id, /[^a-zA-Z0-9_-]+/g, '-').toLowerCase();
        const head = (readable || 'ws').slice(0, 33 - 7).replace(/-+$/, '');
        return `${head.length >= 1 ? head : 'ws'}-${h.slice(0, 6)}`;
      }
      case 'storageAccount': {
        const head = id
          .toLowerCase()
          .replace(/[^a-z0-9]/g, '')
          .slice(0, 14);
        return `${head || 'st'}${h.slice(0, 10)}`.slice(0, 24);
      }
      case 'keyVault': {
        const readable = startWithLetter(readablePart(id, /[^a-zA-Z0-9]+/g, '-').toLowerCase(), 'kv');
        const head = readable.slice(0, 24 - 9).replace(/-+$/, '');
        return `${head}-${h.slice(0, 8)}`;
      }
      case 'containerRegistry': {
        const head = id
          .toLowerCase()
          .replace(/[^a-z0-9]/g, '')
          .slice(0, 30);
        return `${head || 'acr'}${h.slice(0, 10)}`;
      }
      case 'datastore': {
        const head = readablePart(id, /[^a-zA-Z0-9_]+/g, '_')
          .toLowerCase()
          .slice(0, 40);
        return `${head || 'ds'}_${h.slice(0, 6)}`;
      }
      case 'logAnalytics':
      case 'generic': {
        const head = readablePart(id, /[^a-zA-Z0-9-]+/g, '-')
          .slice(0, 50)
          .replace(/-+$/, '');
        return `${head || 'r'}-${h.slice(0, 6)}`;
      }
    }
  }

  /** Check a given name against the rule of `kind`. Returns undefined when valid. */
  public static check(kind: NameKind, name: unknown): NameRule | undefined {
    const rule: NameRule = NAME_RULES[nameKindArg(kind)];
    return typeof name === 'string' && rule.pattern.test(name) ? undefined : rule;
  }
}

function argError(what: string, v: unknown, allowed: string): ValidationError {
  return new ValidationError('InvalidNameArgument', `${what} must be ${allowed}, not ${describeKind(v)}`, '<Names>', {
    allowed,
    fix: `pass ${allowed} for ${what}`,
  });
}

/** A construct path argument (`previousPath`, `Names.preserve`'s `oldPath`): a string, else `InvalidNameArgument`. */
function pathArg(v: unknown, what: string): string {
  if (typeof v !== 'string') throw argError(what, v, "a construct path such as 'Team/Ws'");
  return v;
}

function nameKindArg(kind: unknown): NameKind {
  if (typeof kind === 'string' && Object.prototype.hasOwnProperty.call(NAME_RULES, kind)) return kind as NameKind;
  throw argError('kind', kind, `one of ${Object.keys(NAME_RULES).join(', ')}`);
}

/** Deterministic RFC 4122 (v5-style) GUID from a string, for role assignment names and similar. */
export function deterministicGuid(input: string): string {
  const b = createHash('sha256').update(input).digest();
  b[6] = (b[6] & 0x0f) | 0x50;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = b.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** Lower-case base32 of sha256 (letters and digits 2-7). */
export function hash32(input: string): string {
  const bytes = createHash('sha256').update(input).digest();
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}

function readablePart(id: string, invalid: RegExp, sep: string): string {
  // Collapse runs of separators and trim anything that is not a letter or digit at both ends.
  return id
    .replace(invalid, sep)
    .replace(/[-_]{2,}/g, sep)
    .replace(/^[^a-zA-Z0-9]+|[^a-zA-Z0-9]+$/g, '');
}

function startWithLetter(s: string, prefix: string): string {
  return /^[a-zA-Z]/.test(s) ? s : `${prefix}${s}`;
}

function letterEnd(s: string): string {
  const last = s[s.length - 1];
  return /[a-z]/.test(last) ? s : s.slice(0, -1) + ALPHABET[Number(last) % 26];
}
