/** Small pure validators shared by constructs (CIDR, GUID, NCronTab cron, ARM ids). */

const GUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function isGuid(x: unknown): x is string {
  return typeof x === 'string' && GUID_RE.test(x);
}

/** IPv4 CIDR (`10.0.0.0/24`) with octets ≤ 255 and prefix ≤ 32, or a single IPv4 address, or `*`/`Internet`-style tags are NOT accepted. */
export function isIpv4Cidr(x: unknown, { allowAddress = false }: { allowAddress?: boolean } = {}): x is string {
  if (typeof x !== 'string') return false;
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(x);
  if (!m) return false;
  if (m.slice(1, 5).some((o) => Number(o) > 255 || (o.length > 1 && o.startsWith('0')))) return false;
  if (m[5] === undefined) return allowAddress;
  return Number(m[5]) <= 32;
}

/** Prefix length of a CIDR, or undefined. */
export function cidrPrefix(cidr: string): number | undefined {
  const m = /\/(\d{1,2})$/.exec(cidr);
  return m ? Number(m[1]) : undefined;
}

/** Usable IPs of a subnet on Azure (Azure reserves 5 addresses per subnet). */
export function usableIps(cidr: string): number {
  const p = cidrPrefix(cidr);
  return p === undefined ? 0 : Math.max(0, 2 ** (32 - p) - 5);
}

const CRON_FIELDS: Array<{ name: string; min: number; max: number; names?: string[] }> = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  },
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

/**
 * Check a 5-field NCronTab expression (`minute hour day-of-month month day-of-week`), the form Azure ML compute
 * schedules take. Returns undefined when valid, else the reason.
 */
export function cronProblem(expr: unknown): string | undefined {
  if (typeof expr !== 'string') return 'the expression must be a string';
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5)
    return `expected 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`;
  for (let i = 0; i < 5; i++) {
    const spec = CRON_FIELDS[i];
    for (const part of fields[i].split(',')) {
      const m = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(part);
      if (!m) return `${spec.name} field "${fields[i]}" is not a number, range, list or step`;
      if (m[2] !== undefined && Number(m[2]) === 0) return `${spec.name} step must be ≥ 1`;
      if (m[1] === '*') continue;
      const bounds = m[1].split('-').map((v) => toNumber(v, spec.names, spec.min));
      if (bounds.some((b) => b === undefined || b < spec.min || b > spec.max)) {
        return `${spec.name} "${m[1]}" is out of range ${spec.min}-${spec.max}`;
      }
      if (bounds.length === 2 && (bounds[0] as number) > (bounds[1] as number))
        return `${spec.name} range "${m[1]}" is reversed`;
    }
  }
  return undefined;
}

function toNumber(v: string, names: string[] | undefined, min: number): number | undefined {
  if (/^\d+$/.test(v)) return Number(v);
  const idx = names?.indexOf(v.toUpperCase()) ?? -1;
  return idx >= 0 ? idx + (min === 1 ? 1 : 0) : undefined;
}

/** Parsed ARM id: provider type (`Microsoft.ContainerService/managedClusters`) and name. */
export interface ParsedArmId {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  /** Full type, including child types, e.g. `Microsoft.Synapse/workspaces/bigDataPools`. */
  readonly type: string;
  readonly name: string;
}

/** Parse a resource id; undefined when it is not one. */
export function parseArmId(id: unknown): ParsedArmId | undefined {
  if (typeof id !== 'string') return undefined;
  const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+)\/(.+)$/i.exec(id);
  if (!m) return undefined;
  const rest = m[4].split('/');
  if (rest.length % 2 !== 0 || rest.some((s) => s.length === 0)) return undefined;
  const types = [m[3]];
  let name = '';
  for (let i = 0; i < rest.length; i += 2) {
    types.push(rest[i]);
    name = rest[i + 1];
  }
  return { subscriptionId: m[1], resourceGroup: m[2], type: `${types[0]}/${types.slice(1).join('/')}`, name };
}
