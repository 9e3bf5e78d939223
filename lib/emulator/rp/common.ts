/** Helpers shared by the resource provider modules. */
import { createHash } from 'node:crypto';
import { badRequest } from '../errors.js';
import type { WriteInput } from '../engine.js';

export type Json = Record<string, unknown>;

export function obj(v: unknown): Json {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
}

export function props(body: Json): Json {
  return obj(body.properties);
}

/** Deep copy of a JSON value. */
export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** Normalized region name (`West Europe` → `westeurope`). */
export function region(v: unknown): string {
  return typeof v === 'string' ? v.toLowerCase().replace(/\s+/g, '') : '';
}

/** Deterministic GUID from a string (stable read-only ids such as principalId across restarts). */
export function guidFrom(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('|').toLowerCase()).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The ARM envelope of a tracked or proxy resource: id, name, type, location, tags, systemData, plus what
 * the type adds. `location` is normalized the way ARM echoes it (lower-case, no spaces).
 */
export function envelope(
  input: WriteInput,
  type: string,
  extra: Json,
  options: { location?: string | null } = {},
): Json {
  const b = input.body;
  const loc =
    options.location === null
      ? undefined
      : (options.location ?? (typeof b.location === 'string' ? region(b.location) : undefined));
  const out: Json = { id: input.id, name: input.name, type };
  if (loc !== undefined) out.location = loc;
  if (b.tags !== undefined) {
    if (b.tags !== null && (typeof b.tags !== 'object' || Array.isArray(b.tags)))
      throw badRequest('InvalidRequestContent', "'tags' must be an object of string values.", 'tags');
    for (const [k, v] of Object.entries(obj(b.tags))) {
      if (typeof v !== 'string')
        throw badRequest('InvalidTagValue', `The value of tag '${k}' must be a string.`, `tags.${k}`);
      if (k.length > 512 || v.length > 256)
        throw badRequest(
          'InvalidTagNameOrValue',
          `Tag '${k.slice(0, 40)}' is too long (names ≤ 512, values ≤ 256 characters).`,
          `tags.${k}`,
        );
    }
    out.tags = b.tags ?? {};
  }
  Object.assign(out, extra);
  out.systemData = input.engine.systemData(input.req, input.existing);
  return out;
}

/** Location must not change on re-PUT. */
export function checkLocationUnchanged(input: WriteInput): void {
  const ex = input.existing;
  if (!ex || typeof input.body.location !== 'string' || typeof ex.body.location !== 'string') return;
  if (region(input.body.location) !== region(ex.body.location)) {
    throw badRequest(
      'LocationNotAvailableForResourceType',
      `The location of '${input.name}' cannot change from '${ex.body.location}' to '${input.body.location}'. Delete and re-create the resource to move it.`,
      'location',
    );
  }
}

/** `a.b.c` lookup. */
export function at(v: unknown, path: string): unknown {
  let cur: unknown = v;
  for (const p of path.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Json)[p];
  }
  return cur;
}

/** Canonical JSON (sorted keys) for equality of sub-trees. */
export function same(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}
function canonical(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  return `{${Object.keys(v as Json)
    .filter((k) => (v as Json)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical((v as Json)[k])}`)
    .join(',')}}`;
}

/** A reference `{ id }` or id string to an existing resource of a given type, else 400 `InvalidResourceReference`. */
export function requireRef(input: WriteInput, id: unknown, expectedType: string, target: string): Json {
  if (typeof id !== 'string' || id.length === 0)
    throw badRequest('InvalidRequestContent', `'${target}' must be a resource id.`, target);
  const rec = input.engine.find(id, input.req.now);
  if (!rec || rec.typeKey !== expectedType.toLowerCase()) {
    throw badRequest(
      'InvalidResourceReference',
      `Resource '${id}' referenced by '${target}' was not found (expected a ${expectedType}).`,
      target,
    );
  }
  return rec.body;
}
