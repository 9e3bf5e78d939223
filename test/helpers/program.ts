/**
 * A one-file amlcdk program in a temp project, for CLI tests: `main.ts` (stack `Team`, workspace `Ws`, then the
 * given lines, then `app.synth()`) run by tsx, and `amlcdk.json` pointing at it.
 *
 * @example
 * writeTeamProgram(dir, [`new ComputeCluster(ws, 'Cpu', { vmSize: VmSize.STANDARD_D4S_V5, maxNodeCount: 2 });`]);
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

export function writeTeamProgram(dir: string, lines: readonly string[], config: Record<string, unknown> = {}): void {
  const lib = pathToFileURL(join(ROOT, 'lib', 'index.ts')).href;
  writeFileSync(
    join(dir, 'main.ts'),
    [
      `import { App, Stack, Workspace, ComputeCluster, VmSize } from '${lib}';`,
      `const app = new App();`,
      `const s = new Stack(app, 'Team', { subscriptionId: '00000000-0000-0000-0000-000000000000', resourceGroup: 'rg', location: 'westeurope' });`,
      `const ws = new Workspace(s, 'Ws', { tenantId: '11111111-1111-1111-1111-111111111111' });`,
      ...lines,
      `app.synth();`,
    ].join('\n'),
  );
  writeFileSync(join(dir, 'amlcdk.json'), JSON.stringify({ app: `"${TSX}" main.ts`, ...config }));
}
