/**
 * Keeping secrets out of what amlcdk prints. amlcdk never reads a secret's value except at apply time, but users
 * paste values where names belong (`Secret.fromEnv(process.env.PW)`, a token as `publicKey`), and whatever ends up
 * in an error reaches CI logs. So errors and diagnostics never echo a string that looks like a secret: a known token
 * prefix (GitHub, GitLab, Slack, OpenAI, Stripe, AWS, Google, Databricks, npm, SendGrid, JWTs), a private key, a
 * `key=value` pair that carries one (`AccountKey=`, `sig=`, `password=`…), or a string long and random enough
 * (length, character classes and their alternation, Shannon entropy) that it is more likely a credential than a
 * name. Known non-secret shapes (ARM ids, GUIDs, URLs without credentials, VM sizes, durations, CIDRs, lower-case
 * names) are left alone so errors stay useful.
 *
 * `safeValue` also makes any JavaScript value printable: Proxies, BigInts, symbols, functions, null-prototype,
 * circular, deep or huge values, throwing getters and `toString`s all become short descriptive JSON.
 */
import { types } from 'node:util';

/** Token shapes of well-known credentials. */
const KNOWN_TOKEN =
  /^(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_\w{20,}|glpat-[\w-]{20,}|xox[abposr]-[\w-]{10,}|sk-[\w-]{20,}|[sr]k_(?:live|test)_\w{16,}|A[KS]IA[0-9A-Z]{16}|AIza[\w-]{30,}|eyJ[\w-]{8,}\.[\w-]{8,}\.?[\w-]*|dapi[0-9a-f]{32}|npm_[A-Za-z0-9]{30,}|SG\.[\w-]{16,}\.[\w-]{16,}|pypi-[\w-]{30,})/;
const PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
const SECRET_PAIR =
  /(?:^|[;&?\s])(?:AccountKey|SharedAccessKey|SharedAccessSignature|sig|password|passwd|pwd|secret|client_secret|token|access_token|api[_-]?key)=[^\s;&]{4,}/i;
const SECRET_PAIR_GLOBAL =
  /(^|[;&?\s])(AccountKey|SharedAccessKey|SharedAccessSignature|sig|password|passwd|pwd|secret|client_secret|token|access_token|api[_-]?key)=[^\s;&"']{4,}/gi;

/** Shapes that are never secrets, however random they look. */
const SAFE_SHAPES = [
  /^\/subscriptions\//i, // ARM ids
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, // GUIDs
  /^https?:\/\/[^@?#\s]*$/i, // URLs without credentials or query
  /^(?:Standard|Basic)_[A-Za-z0-9_]+$/, // VM sizes
  /^-?P(?:\d+[YMWD])*(?:T(?:\d+(?:\.\d+)?[HMS])+)?$/, // ISO 8601 durations
  /^\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?$/, // IPv4 and CIDRs
  /^[a-z0-9]+(?:[-_.][a-z0-9]+)*$/, // lower-case names (hex tokens are caught before)
  /^sha256:[0-9a-f]{64}$/, // content hashes
];

function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

function classOf(c: number): number {
  if (c >= 97 && c <= 122) return 0; // a-z
  if (c >= 65 && c <= 90) return 1; // A-Z
  if (c >= 48 && c <= 57) return 2; // 0-9
  return 3;
}

/**
 * Whether `s` looks like a secret value (see the module comment). Cheap for short strings.
 *
 * @example
 * looksLikeSecret('ghp_abcdefghijklmnopqrstuvwxyz0123456789'); // true
 * looksLikeSecret('Cl7ster-Adm1n-Pw!q9Z3'); // true
 * looksLikeSecret('CLUSTER_ADMIN_PASSWORD'); // false
 * looksLikeSecret('Standard_NC24ads_A100_v4'); // false
 */
export function looksLikeSecret(s: unknown): boolean {
  if (typeof s !== 'string' || s.length < 8) return false;
  if (PRIVATE_KEY.test(s) || SECRET_PAIR.test(s)) return true;
  const t = s.trim();
  if (KNOWN_TOKEN.test(t)) return true;
  if (/\s/.test(t) || t.length < 12) return false;
  // File paths are not keys: absolute or relative path starts, or '/' mixed with the base64url '-' and '_'.
  // (A path has a path start or two slashes, and a '-', '_' or '.' or an all-lower-case segment, which the
  // standard base64 of a storage key never has.)
  const pathStart = /^(?:\/|\.{1,2}\/|~\/|[A-Za-z]:[\\/])/.test(t) || /\/.*\//.test(t);
  if (pathStart && (/[-_.]/.test(t) || t.split(/[\\/]/).some((seg) => /^[a-z]{4,}$/.test(seg)))) return false;
  // Long keys: hex, base64 and base64url of 32+ characters with digits.
  if (t.length >= 32 && /^[A-Za-z0-9+/=_-]+$/.test(t) && /\d/.test(t) && entropy(t) >= 3.5) {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(t)) return true;
  }
  if (SAFE_SHAPES.some((re) => re.test(t))) return false;
  if (t.length >= 64) return false; // long but not key-shaped: text, not a credential
  // Names built of words and numbers (`AzureML-In-44224`, `gpu_cluster_2`) are not passwords: every segment
  // between separators is letters only or digits only.
  if (t.split(/[-_.:/]+/).every((seg) => /^(?:[A-Za-z]*|\d*)$/.test(seg))) return false;
  // Passwords and short tokens: 3+ character classes, a digit, and classes that keep alternating.
  const seen = new Set<number>();
  let switches = 0;
  let prev = -1;
  for (let i = 0; i < t.length; i++) {
    const k = classOf(t.charCodeAt(i));
    seen.add(k);
    if (prev !== -1 && k !== prev) switches++;
    prev = k;
  }
  return seen.size >= 3 && seen.has(2) && switches / (t.length - 1) >= 0.45 && entropy(t) >= 3.2;
}

/** What replaces a secret-looking value in output. */
export function redactedPlaceholder(s: string): string {
  return `<redacted: ${s.length} characters that look like a secret>`;
}

/**
 * `text` with every secret-looking token (and any private key block) replaced by a placeholder.
 *
 * @example
 * redactSecrets('got "ghp_abcdefghijklmnopqrstuvwxyz0123456789"'); // 'got "<redacted: 40 characters …>"'
 */
export function redactSecrets(text: string): string {
  let out = text.replace(
    /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
    '<redacted: a private key>',
  );
  out = out.replace(SECRET_PAIR_GLOBAL, (m, lead: string, key: string) => `${lead}${key}=<redacted>`);
  return out.replace(/[^\s"'`()<>[\]{},;]+/g, (token) => {
    if (token.length < 8) return token;
    const core = token.replace(/^[.:=]+|[.:]+$/g, '');
    return looksLikeSecret(core) ? token.replace(core, redactedPlaceholder(core)) : token;
  });
}

/** Limits of `safeValue`. */
const MAX_DEPTH = 4;
const MAX_ITEMS = 20;
const MAX_STRING = 300;

function describeOpaque(v: object): string {
  try {
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto === null) return '[object with a null prototype]';
    const ctor = (proto as { constructor?: { name?: unknown } }).constructor;
    const name = typeof ctor === 'function' && typeof ctor.name === 'string' && ctor.name ? ctor.name : 'object';
    return `[${name}]`;
  } catch {
    return '[object]';
  }
}

/**
 * A printable, JSON-safe copy of any value, for error details and diagnostics: secret-looking strings redacted,
 * long strings cut, at most 20 members per level and 4 levels, and every exotic value described instead of
 * inspected (reading it cannot throw or run user code: no getters, `toString` or Proxy traps are called).
 */
export function safeValue(v: unknown, depth = 0, seen: Set<object> = new Set()): unknown {
  switch (typeof v) {
    case 'string':
      if (looksLikeSecret(v)) return redactedPlaceholder(v);
      return v.length > MAX_STRING ? `${v.slice(0, MAX_STRING)}… (${v.length} characters)` : v;
    case 'number':
      return Number.isFinite(v) ? v : String(v);
    case 'boolean':
    case 'undefined':
      return v;
    case 'bigint':
      return `${v.toString()}n`;
    case 'symbol':
      return '[symbol]';
    case 'function':
      return '[function]';
    default:
      break;
  }
  if (v === null) return null;
  const o = v as object;
  if (types.isProxy(o)) return '[Proxy]';
  if (seen.has(o)) return '[circular]';
  if (depth >= MAX_DEPTH) return Array.isArray(o) ? '[array]' : '[object]';
  const isConstruct = (() => {
    try {
      const node = Object.getOwnPropertyDescriptor(o, 'node')?.value as { path?: unknown } | undefined;
      return node && typeof node === 'object' && typeof node.path === 'string' ? node.path : undefined;
    } catch {
      return undefined;
    }
  })();
  if (isConstruct !== undefined) return `[construct ${isConstruct || '<root>'}]`;
  seen.add(o);
  try {
    if (Array.isArray(o)) {
      const len = o.length;
      const out: unknown[] = [];
      for (let i = 0; i < Math.min(len, MAX_ITEMS); i++) {
        const d = Object.getOwnPropertyDescriptor(o, i);
        out.push(d === undefined ? '[hole]' : 'value' in d ? safeValue(d.value, depth + 1, seen) : '[getter]');
      }
      if (len > MAX_ITEMS) out.push(`… (${len} items)`);
      return out;
    }
    const proto: unknown = Object.getPrototypeOf(o);
    if (proto !== Object.prototype && proto !== null) return describeOpaque(o);
    const out: Record<string, unknown> = {};
    const keys = Object.keys(o);
    for (const k of keys.slice(0, MAX_ITEMS)) {
      const d = Object.getOwnPropertyDescriptor(o, k);
      const key = looksLikeSecret(k) ? redactedPlaceholder(k) : k.slice(0, 100);
      out[key] = d === undefined ? undefined : 'value' in d ? safeValue(d.value, depth + 1, seen) : '[getter]';
    }
    if (keys.length > MAX_ITEMS) out['…'] = `${keys.length} keys`;
    return out;
  } catch {
    return '[unreadable]';
  } finally {
    seen.delete(o);
  }
}

/** `safeValue` as one line of JSON (never throws). */
export function safeJson(v: unknown): string {
  try {
    return JSON.stringify(safeValue(v)) ?? String(v);
  } catch {
    return '[unprintable]';
  }
}
