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
import { pathToFileURL } from 'node:url';

const ROOT = join(import.meta.dirname, '..', '..');
/** The tsx binary, to run a TypeScript program as `app`. */
export const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

/** Seeded values (fake, but shaped like the real thing so generic patterns would also catch them). */
export const SECRETS = {
  AMLCDK_REL_CLUSTER_PW: 'Cl7ster-Adm1n-Pw!q9Z3',
  AMLCDK_REL_VM_PW: 'Vm-Adm1n-Pw-4e8b2d7f',
  AMLCDK_REL_VM_KEY:
    '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDrelIabIlItYkEyXVr4Bq0kW3nZ2tFAKEKEYONLY0000000000000000\n-----END OPENSSH PRIVATE KEY-----',
  AMLCDK_REL_DBX_TOKEN: 'dapi5f0c1e2d3b4a69788776655443322110',
};
/** A distinctive line of the private key: a partial leak (one line of the PEM) is still a leak. */
export const KEY_BODY = 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW';

export const SECRETS_SUB = '00000000-0000-0000-0000-000000000001';

/** How the secrets program goes wrong, if at all. */
export type SecretsProgramVariant =
  /** As it should be: every secret a `Secret.fromEnv` reference. */
  | 'valid'
  /** `Secret.fromEnv(process.env.X)`: the value passed where the variable name belongs. */
  | 'value-as-name'
  /** A token pasted into `publicKey` (a key-shaped prop). */
  | 'token-as-public-key';

/**
 * A program with a cluster admin (SSH) password, an attached VM's admin password and private key and a Databricks
 * token, all `Secret.fromEnv` references (or misused, per `variant`); `vmName` names the attached VM compute.
 */
export function secretsProgram(variant: SecretsProgramVariant = 'valid', vmName = 'vm-secret'): string {
  const lib = pathToFileURL(join(ROOT, 'lib', 'index.ts')).href;
  const SUB = SECRETS_SUB;
  const clusterPw = variant === 'value-as-name' ? 'process.env.AMLCDK_REL_CLUSTER_PW!' : "'AMLCDK_REL_CLUSTER_PW'";
  const ssh =
    variant === 'token-as-public-key'
      ? `SshAccess.enabled({ adminUserName: 'azureuser', publicKey: process.env.AMLCDK_REL_DBX_TOKEN!, sourceCidrs: ['203.0.113.0/24'] })`
      : `SshAccess.enabled({ adminUserName: 'azureuser', password: Secret.fromEnv(${clusterPw}), sourceCidrs: ['203.0.113.0/24'] })`;
  return [
    `import { App, AttachTarget, AttachedCompute, ComputeCluster, Secret, SshAccess, Stack, VmSize, Workspace } from '${lib}';`,
    `const app = new App();`,
    `const s = new Stack(app, 'Secrets', { subscriptionId: '${SUB}', resourceGroup: 'rg-secrets', location: 'westeurope' });`,
    `const ws = new Workspace(s, 'Ws', { tenantId: '11111111-1111-1111-1111-111111111111' });`,
    `new ComputeCluster(ws, 'Cpu', { computeName: 'cpu-secret', vmSize: VmSize.STANDARD_DS3_V2, maxNodeCount: 2,`,
    `  sshAccess: ${ssh} });`,
    `new AttachedCompute(s, 'Vm', { workspace: ws, computeName: '${vmName}', target: AttachTarget.virtualMachine({`,
    `  resourceId: '/subscriptions/${SUB}/resourceGroups/rg-vms/providers/Microsoft.Compute/virtualMachines/dsvm-01', sshPort: 22,`,
    `  administratorAccount: { username: 'azureuser', password: Secret.fromEnv('AMLCDK_REL_VM_PW'), privateKey: Secret.fromEnv('AMLCDK_REL_VM_KEY') } }) });`,
    `new AttachedCompute(s, 'Dbx', { workspace: ws, computeName: 'dbx-secret', target: AttachTarget.databricks({`,
    `  resourceId: '/subscriptions/${SUB}/resourceGroups/rg-dbx/providers/Microsoft.Databricks/workspaces/dbx-01', accessToken: Secret.fromEnv('AMLCDK_REL_DBX_TOKEN') }) });`,
    `app.synth();`,
  ].join('\n');
}

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
