/**
 * A small secret scanner for the reliability suite: it looks through files (recursively) and captured texts
 * (CLI stdout/stderr) for known secret values and for generic secret shapes (storage account keys, SAS
 * signatures, PEM private keys, a password field holding a value). Findings never echo the secret: they name the
 * source, the line and the kind.
 *
 * @example
 * const scan = new SecretScanner({ clusterPassword: 'S3cret!' });
 * scan.scanDir(outDir);
 * scan.scanText('apply stdout', result.stdout);
 * assert.deepEqual(scan.findings, []);
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface SecretFinding {
  /** File path (relative to the scanned root) or the label of a captured text. */
  readonly source: string;
  readonly line: number;
  /** The name of the known value, or the generic pattern that matched. */
  readonly kind: string;
}

/**
 * Shapes of secrets whatever their value. Masked placeholders (`(sensitive)`, `***`, `<...>`) and secret
 * references (`{ "secretRef": "env:NAME" }`, an object, not a string) do not match.
 */
export const GENERIC_PATTERNS: readonly (readonly [RegExp, string])[] = [
  [/AccountKey=[A-Za-z0-9+/]{20,}={0,2}/, 'storage account key (AccountKey=)'],
  [/SharedAccessSignature=|SharedAccessKey=[A-Za-z0-9+/]{20,}/, 'shared access signature / key'],
  [/[?&]sig=[A-Za-z0-9%+/]{20,}/, 'SAS token signature (sig=)'],
  [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/, 'PEM private key'],
  [
    /"(?:password|adminUserPassword|adminPassword|clientSecret|accessToken|databricksAccessToken|privateKeyData|primaryKey|secondaryKey)"\s*:\s*"(?!\(sensitive\)"|\*+"|<[^"]*>")[^"]+"/i,
    'password-like field with a value',
  ],
];

export class SecretScanner {
  public readonly findings: SecretFinding[] = [];
  public filesScanned = 0;
  public textsScanned = 0;
  public bytesScanned = 0;
  private readonly values: [string, string][];

  /** `values`: name → secret value to look for (values shorter than 6 characters are refused: too many false hits). */
  constructor(values: Readonly<Record<string, string>> = {}) {
    this.values = Object.entries(values);
    for (const [name, v] of this.values) if (v.length < 6) throw new Error(`secret ${name} is too short to scan for`);
  }

  /** Add a value found during the run (e.g. keys the emulator returned from listKeys). */
  public addValue(name: string, value: string): void {
    if (value.length < 6) throw new Error(`secret ${name} is too short to scan for`);
    this.values.push([name, value]);
  }

  /** Scan one text; returns the findings it added. */
  public scanText(source: string, text: string): SecretFinding[] {
    this.textsScanned += 1;
    this.bytesScanned += Buffer.byteLength(text);
    const found: SecretFinding[] = [];
    const lineOf = (index: number): number => text.slice(0, index).split('\n').length;
    for (const [name, value] of this.values) {
      // Also look for the value as it appears inside JSON strings (escaped newlines and quotes).
      for (const form of new Set([value, JSON.stringify(value).slice(1, -1)])) {
        const i = text.indexOf(form);
        if (i >= 0) found.push({ source, line: lineOf(i), kind: `known secret ${name}` });
      }
    }
    for (const [re, kind] of GENERIC_PATTERNS) {
      const m = re.exec(text);
      if (m) found.push({ source, line: lineOf(m.index), kind });
    }
    this.findings.push(...found);
    return found;
  }

  /** Scan a file (as UTF-8; binary bytes do not hide ASCII secrets). */
  public scanFile(file: string, label = file): SecretFinding[] {
    this.filesScanned += 1;
    this.textsScanned -= 1;
    return this.scanText(label, readFileSync(file).toString('utf8'));
  }

  /** Scan every file under `dir`; labels are relative to `dir` (prefixed with `prefix`). */
  public scanDir(dir: string, prefix = ''): number {
    let n = 0;
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      const st = statSync(full);
      if (st.isDirectory()) n += this.scanDir(full, `${prefix}${name}/`);
      else if (st.isFile()) {
        this.scanFile(full, `${prefix}${name}`);
        n += 1;
      }
    }
    return n;
  }
}
