/**
 * Replays a corpus file against the emulator and lists every difference from what Azure answered: status, which LRO
 * headers are present, and the body (shape and values; volatile values by JSON type only).
 *
 * LROs run on a long duration, so a poll answers `InProgress` until the replay moves the emulator's clock: it does
 * so right before a poll that Azure answered with a terminal state (or a read that found the resource Succeeded), so
 * each recorded poll can match exactly.
 *
 * @example
 * const problems = await replayCorpusFile(emu, corpus);
 * assert.deepEqual(problems, []);
 */
import { KEPT_RESPONSE_HEADERS, SANITIZED_TENANT, type CorpusExchange, type CorpusFile } from './format.js';
import type { TestEmulator, ArmTestResponse } from '../helpers/emulator.js';
import { BuiltInRole } from '../../lib/catalog/roles.js';

/** Long enough that nothing finishes unless the replay moves the clock. */
export const REPLAY_LRO_MS = 10 * 60_000;

/**
 * Keys whose values the server makes up, wherever they appear: compared by JSON type only. Fixture-specific ones are
 * in each exchange's `volatile`.
 */
const VOLATILE_KEYS = new Set(['etag', 'resourceGuid', 'createdAt', 'lastModifiedAt', 'startTime', 'endTime']);

function terminal(x: CorpusExchange): boolean {
  // A read Azure answered with a settled resource happened after the resource settled (Key Vault clients poll the
  // vault itself until it leaves RegisteringDns).
  if (x.op === 'read') {
    const p = (x.response.body as { properties?: { provisioningState?: unknown } } | undefined)?.properties;
    return p?.provisioningState === 'Succeeded';
  }
  if (x.op !== 'poll') return false;
  const b = x.response.body as { status?: unknown } | undefined;
  if (x.poll?.header === 'location') return x.response.status !== 202;
  return typeof b?.status === 'string' && b.status !== 'InProgress';
}

function pointer(path: readonly (string | number)[]): string {
  return path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** Differences between a recorded JSON value and the emulator's. */
export function bodyDifferences(
  recorded: unknown,
  actual: unknown,
  volatile: ReadonlySet<string>,
  path: (string | number)[] = [],
): string[] {
  const here = pointer(path) || '/';
  const key = path[path.length - 1];
  const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (volatile.has(pointer(path)) || (typeof key === 'string' && VOLATILE_KEYS.has(key))) {
    return typeOf(recorded) === typeOf(actual)
      ? []
      : [`${here}: expected a ${typeOf(recorded)}, got ${JSON.stringify(actual)}`];
  }
  if (typeOf(recorded) !== typeOf(actual))
    return [
      `${here}: expected ${JSON.stringify(recorded)}, got ${actual === undefined ? 'nothing' : JSON.stringify(actual)}`,
    ];
  if (Array.isArray(recorded)) {
    const a = actual as unknown[];
    if (a.length !== recorded.length)
      return [`${here}: expected ${recorded.length} items ${JSON.stringify(recorded)}, got ${JSON.stringify(a)}`];
    return recorded.flatMap((r, i) => bodyDifferences(r, a[i], volatile, [...path, i]));
  }
  if (recorded !== null && typeof recorded === 'object') {
    const r = recorded as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    const out: string[] = [];
    for (const k of Object.keys(r)) {
      if (!(k in a)) out.push(`${pointer([...path, k])}: missing (expected ${JSON.stringify(r[k])})`);
      else out.push(...bodyDifferences(r[k], a[k], volatile, [...path, k]));
    }
    for (const k of Object.keys(a))
      if (!(k in r)) out.push(`${pointer([...path, k])}: not in Azure's answer (got ${JSON.stringify(a[k])})`);
    return out;
  }
  return recorded === actual ? [] : [`${here}: expected ${JSON.stringify(recorded)}, got ${JSON.stringify(actual)}`];
}

/** The URL the replay sends for an exchange: recorded path, or the emulator's own header for a poll. */
function target(x: CorpusExchange, answers: readonly (ArmTestResponse | undefined)[]): string {
  if (x.op !== 'poll' || !x.poll) return x.request.path;
  const h = answers[x.poll.of]?.headers[x.poll.header];
  if (typeof h !== 'string') throw new Error(`exchange ${x.poll.of} gave no ${x.poll.header} header to follow`);
  return h;
}

/**
 * Send every exchange of a corpus file to the emulator (after its `given` resources) and return every difference
 * (empty when the emulator answered as Azure did). The emulator must be empty and use `REPLAY_LRO_MS` durations.
 */
export async function replayCorpusFile(emu: TestEmulator, file: CorpusFile): Promise<string[]> {
  seedDirectory(emu, file);
  for (const g of file.given ?? []) {
    const r = await emu.request('PUT', g.path, g.body);
    if (r.status >= 300) return [`given ${g.path}: ${r.status} ${JSON.stringify(r.body)}`];
    emu.advanceClock(REPLAY_LRO_MS + 1);
  }
  const problems: string[] = [];
  const answers: (ArmTestResponse | undefined)[] = [];
  for (const [i, x] of file.exchanges.entries()) {
    const where = `exchange ${i} (${x.op} ${x.request.method} ${x.armType})`;
    if (terminal(x)) emu.advanceClock(REPLAY_LRO_MS + 1);
    let url: string;
    try {
      url = target(x, answers);
    } catch (e) {
      problems.push(`${where}: ${(e as Error).message}`);
      answers.push(undefined);
      continue;
    }
    const r = await emu.request(x.request.method, url, x.request.body, { headers: { ...(x.request.headers ?? {}) } });
    answers.push(r);
    if (r.status !== x.response.status)
      problems.push(`${where}: status ${r.status}, Azure answered ${x.response.status} (${JSON.stringify(r.body)})`);
    for (const h of KEPT_RESPONSE_HEADERS) {
      const want = x.response.headers[h] !== undefined;
      const got = r.headers[h] !== undefined;
      if (want !== got)
        problems.push(
          `${where}: header ${h} ${got ? 'present' : 'absent'}, Azure's was ${want ? 'present' : 'absent'}`,
        );
    }
    if (x.response.body === undefined) {
      if (r.body !== undefined) problems.push(`${where}: a body, Azure's answer had none (${JSON.stringify(r.body)})`);
    } else if (r.status === x.response.status) {
      const diffs = bodyDifferences(x.response.body, normalizeTenant(r.body), new Set(x.volatile ?? []));
      problems.push(...diffs.map((d) => `${where}: ${d}`));
    }
  }
  return problems;
}

/** The emulator's tenant id becomes the corpus's placeholder (both are made up). */
function normalizeTenant(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalizeTenant);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v))
    out[k] = k === 'tenantId' && typeof x === 'string' ? SANITIZED_TENANT : normalizeTenant(x);
  return out;
}

/**
 * What the recording shows existed in Azure's directory: the principals its role assignments name (Azure accepted
 * them) and the role definitions that are not built-in roles (a custom role of the recorded subscription). The
 * emulator answers PrincipalNotFound / RoleDefinitionDoesNotExist for objects it does not know.
 */
function seedDirectory(emu: TestEmulator, file: CorpusFile): void {
  const bodies = [...(file.given ?? []).map((g) => g.body), ...file.exchanges.map((x) => x.request.body)];
  for (const b of bodies) {
    const p = b !== null && typeof b === 'object' && !Array.isArray(b) ? b.properties : undefined;
    if (p === null || typeof p !== 'object' || Array.isArray(p)) continue;
    if (typeof p.principalId === 'string')
      emu.addPrincipal({
        objectId: p.principalId,
        type: typeof p.principalType === 'string' ? p.principalType : 'ServicePrincipal',
        replicationDelayMs: 0,
      });
    const role =
      typeof p.roleDefinitionId === 'string' ? /roleDefinitions\/([0-9a-f-]{36})$/i.exec(p.roleDefinitionId) : null;
    if (role && !BuiltInRole.values().some((r) => r.guid === role[1].toLowerCase())) emu.addRoleDefinition(role[1]);
  }
}
