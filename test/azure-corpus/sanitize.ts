/**
 * Sanitizing recorded Azure traffic before it becomes a fixture, and the check every committed fixture passes: no
 * tokens, keys, passwords or connection strings, no real subscription or tenant id, no personal e-mail address.
 *
 * Recorders (the importers, `npm run test:azure --record`) call `sanitizeJson` / `sanitizeText` on everything they
 * keep; the corpus test calls `sanitizationProblems` on every file, so a leak cannot be committed unnoticed.
 *
 * @example
 * const s = new Sanitizer({ subscriptions: [realSub], tenants: [realTenant] });
 * const body = s.json(recorded.ResponseBody);
 */
import {
  ARM_HOST,
  SANITIZED,
  SANITIZED_SUBSCRIPTION,
  SANITIZED_TENANT,
  type CorpusFile,
  type JsonValue,
} from './format.js';

/** Property names whose values are secrets wherever they appear (case-insensitive, whole name). */
export const SECRET_KEY =
  /^(password|adminUserPassword|administratorLoginPassword|primaryKey|secondaryKey|primaryConnectionString|secondaryConnectionString|connectionString|accessToken|refreshToken|sasToken|sas|secret|clientSecret|accountKey|userStorageKey|containerRegistryCredentials|appInsightsInstrumentationKey|InstrumentationKey|ConnectionString|privateKey|certificatePassword)$/i;

/** Text that is a secret wherever it appears: group 1 is the part kept, the rest is replaced by `SANITIZED`. */
const SECRET_TEXT: readonly (readonly [name: string, re: RegExp])[] = [
  ['a JWT', /()eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}(\.[A-Za-z0-9_-]*)?/],
  ['a storage account key', /(AccountKey=)(?!Sanitized)[^;"\s]+/i],
  ['a shared access signature', /(SharedAccessSignature=)(?!Sanitized)[^;"\s]+/i],
  ['a SAS signature', /([?&]sig=)(?!Sanitized)[^&"\s]+/i],
  ['an instrumentation key', /(InstrumentationKey=)(?!Sanitized)[^;"\s]+/i],
  ['a private key', /()-----BEGIN [A-Z ]*PRIVATE KEY-----[^]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/],
];

const GUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const SUBSCRIPTION_IN_PATH = new RegExp(`/subscriptions/(${GUID})`, 'gi');
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const SAFE_EMAIL_DOMAIN = /@example\.(com|org|net)$/i;

/** Replaces the ids and addresses of one recording with the corpus's placeholders. */
export class Sanitizer {
  private readonly ids = new Map<string, string>();

  /**
   * @param known real subscription and tenant ids of the recording (also found on their own in paths); other GUIDs
   *   that identify people (principal object ids) can be passed as `people` and become stable fake GUIDs.
   */
  constructor(known: { subscriptions?: readonly string[]; tenants?: readonly string[]; people?: readonly string[] }) {
    for (const s of known.subscriptions ?? []) this.ids.set(s.toLowerCase(), SANITIZED_SUBSCRIPTION);
    for (const t of known.tenants ?? []) this.ids.set(t.toLowerCase(), SANITIZED_TENANT);
    (known.people ?? []).forEach((p, i) =>
      this.ids.set(p.toLowerCase(), `00000000-0000-0000-0000-${(0xa00000000000 + i + 1).toString(16)}`),
    );
  }

  /** A string with known ids replaced, any other subscription id in a path replaced, hosts moved to `ARM_HOST`. */
  text(s: string): string {
    let out = s.replace(new RegExp(GUID, 'g'), (g) => this.ids.get(g.toLowerCase()) ?? g);
    out = out.replace(SUBSCRIPTION_IN_PATH, `/subscriptions/${SANITIZED_SUBSCRIPTION}`);
    out = out.replace(/^https:\/\/[a-z0-9.-]*management\.azure\.com(:443)?/i, ARM_HOST);
    // LRO URLs carry a signed token (t, c, s, h): noise that changes on every call; the path and api-version matter.
    if (/^https:\/\//.test(out) && /[?&](c|s|h)=/.test(out)) {
      const u = new URL(out);
      for (const k of ['t', 'c', 's', 'h', 'service']) u.searchParams.delete(k);
      out = u.toString();
    }
    out = out.replace(EMAIL, (e) => (SAFE_EMAIL_DOMAIN.test(e) ? e : 'user@example.com'));
    for (const [, re] of SECRET_TEXT) out = out.replace(new RegExp(re.source, `${re.flags}g`), `$1${SANITIZED}`);
    return out;
  }

  /** A JSON value with `text` applied to every string and key, and secret-named properties replaced. */
  json(v: JsonValue): JsonValue {
    if (typeof v === 'string') return this.text(v);
    if (Array.isArray(v)) return v.map((x) => this.json(x));
    if (v === null || typeof v !== 'object') return v;
    const out: { [k: string]: JsonValue } = {};
    for (const [k, x] of Object.entries(v)) {
      if (SECRET_KEY.test(k) && typeof x === 'string' && x !== '') out[this.text(k)] = SANITIZED;
      else if (/^tenantId$/i.test(k) && typeof x === 'string' && new RegExp(`^${GUID}$`).test(x))
        out[k] = SANITIZED_TENANT;
      else out[this.text(k)] = this.json(x);
    }
    return out;
  }
}

/** Every leak in a fixture (empty when clean), each with the JSON pointer where it sits. */
export function sanitizationProblems(file: CorpusFile): string[] {
  const problems: string[] = [];
  const visit = (v: unknown, where: string, key?: string): void => {
    if (typeof v === 'string') {
      if (key !== undefined && SECRET_KEY.test(key) && v !== '' && v !== SANITIZED)
        problems.push(`${where}: secret property '${key}' is not '${SANITIZED}'`);
      for (const [name, re] of SECRET_TEXT) if (re.test(v)) problems.push(`${where}: looks like ${name}`);
      for (const m of v.matchAll(SUBSCRIPTION_IN_PATH))
        if (m[1].toLowerCase() !== SANITIZED_SUBSCRIPTION)
          problems.push(`${where}: subscription id ${m[1]} is not ${SANITIZED_SUBSCRIPTION}`);
      for (const m of v.matchAll(EMAIL))
        if (!SAFE_EMAIL_DOMAIN.test(m[0])) problems.push(`${where}: e-mail address (personal data)`);
      if (key !== undefined && /^tenantId$/i.test(key) && new RegExp(`^${GUID}$`).test(v) && v !== SANITIZED_TENANT)
        problems.push(`${where}: tenant id is not ${SANITIZED_TENANT}`);
      if (/^https?:\/\//i.test(v) && /management\.azure\.com/i.test(v) && !v.startsWith(ARM_HOST))
        problems.push(`${where}: ARM URL not on ${ARM_HOST}`);
      return;
    }
    if (Array.isArray(v)) v.forEach((x, i) => visit(x, `${where}/${i}`));
    else if (v !== null && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        if (/authorization/i.test(k) && where.includes('/headers')) problems.push(`${where}/${k}: credential header`);
        visit(x, `${where}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, k);
      }
  };
  visit(file, '');
  return problems;
}
