/**
 * What a canonical ARM resource id looks like, checked before an id is ever put into a URL.
 *
 * The WHATWG URL parser resolves `.` and `..` segments and treats `\` as `/`, so
 * `/subscriptions/mine/resourceGroups/rg/../../../other/…` would reach another subscription once it becomes a
 * URL. amlcdk builds every ARM id itself, so a real id never has such segments: an id that does came from a
 * hand-edited or forged state, journal or plan, and is refused instead of being "fixed".
 */

/** The longest id accepted (ARM's own URL limit is 8 KB; real ids are a few hundred characters). */
export const MAX_ARM_ID_LENGTH = 2048;

/**
 * Why `id` is not a canonical ARM resource id, or `undefined` when it is one: a string starting with
 * `/subscriptions/<id>/`, no empty, `.` or `..` segment, no trailing `/`, and none of `? # % \` or control
 * characters (a query, a fragment, an escape or a second kind of separator).
 *
 * @example
 * armIdProblem('/subscriptions/s/resourceGroups/rg/../x'); // 'it has a ".." segment'
 * armIdProblem('/subscriptions/s/resourceGroups/rg'); // undefined
 */
export function armIdProblem(id: unknown): string | undefined {
  if (typeof id !== 'string') return `it is ${id === null ? 'null' : typeof id}, not a string`;
  if (id.length > MAX_ARM_ID_LENGTH) return `it is ${id.length} characters long (at most ${MAX_ARM_ID_LENGTH})`;
  if (!/^\/subscriptions\/[^/]+(\/|$)/i.test(id)) return 'it does not start with /subscriptions/<subscription id>';
  // eslint-disable-next-line no-control-regex
  const bad = /[?#%\\\u0000-\u001f\u007f]/.exec(id);
  if (bad) {
    const c = bad[0];
    return `it contains ${c === '?' ? 'a query ("?")' : c === '#' ? 'a fragment ("#")' : c === '%' ? 'a percent escape ("%")' : c === '\\' ? 'a backslash' : 'a control character'}`;
  }
  const segments = id.slice(1).split('/');
  for (const s of segments) {
    if (s === '') return id.endsWith('/') ? 'it ends with "/"' : 'it has an empty segment ("//")';
    if (s === '.' || s === '..') return `it has a "${s}" segment`;
  }
  return undefined;
}

/** `/subscriptions/<sub>` and, when there is one, `/resourceGroups/<rg>` of a canonical id (lower case). */
export function armIdScope(id: string): { readonly subscription: string; readonly resourceGroup?: string } {
  const parts = id.split('/');
  const subscription = parts[2].toLowerCase();
  if (parts.length > 4 && parts[3].toLowerCase() === 'resourcegroups')
    return { subscription, resourceGroup: parts[4].toLowerCase() };
  return { subscription };
}
