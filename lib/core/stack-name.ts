/**
 * The one stack-name rule. A stack's name (its construct id) becomes the manifest file name
 * (`<name>.manifest.json`), the state, journal and lock file names (`<name>.json`, `.jsonl`, `.lock`) and blob names,
 * on every platform a team uses: so 1–64 letters, digits, `_` or `-`, starting with a letter or digit, and none of
 * the device names Windows reserves (`CON`, `PRN`, `AUX`, `NUL`, `COM0`–`COM9`, `LPT0`–`LPT9`, in any case), which
 * no file there can be called, with or without an extension. Used by the Stack construct (`ValidationError`), the
 * manifest schema, and the state stores (`InputError`), all with the code `InvalidStackName`.
 */

/** Device names Windows reserves (case-insensitive), as a pattern. */
const RESERVED = '(?:[Cc][Oo][Nn]|[Pp][Rr][Nn]|[Aa][Uu][Xx]|[Nn][Uu][Ll]|[Cc][Oo][Mm][0-9]|[Ll][Pp][Tt][0-9])';

/** The rule as a JSON-schema `pattern` (no flags). */
export const STACK_NAME_PATTERN = `^(?!${RESERVED}$)[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`;

/** What the rule allows, for error messages and docs. */
export const STACK_NAME_ALLOWED =
  '1-64 letters, digits, "_" or "-", starting with a letter or digit, and not a name Windows reserves (CON, PRN, AUX, NUL, COM0-COM9, LPT0-LPT9, in any case)';

const STACK_NAME_RE = new RegExp(STACK_NAME_PATTERN);

/**
 * Why `name` cannot name a stack, or `undefined` when it can.
 *
 * @example
 * stackNameProblem('Team-Dev'); // undefined
 * stackNameProblem('con'); // 'it is a name Windows reserves for a device'
 */
export function stackNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return `it is ${name === null ? 'null' : typeof name}, not a string`;
  if (name.length === 0) return 'it is empty';
  if (name.length > 64) return `it is ${name.length} characters long (at most 64)`;
  if (STACK_NAME_RE.test(name)) return undefined;
  if (/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) return 'it is a name Windows reserves for a device';
  return 'it has characters other than letters, digits, "_" and "-", or does not start with a letter or digit';
}
