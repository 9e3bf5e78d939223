/**
 * `npm run test:azure`: the real-Azure acceptance suite (test/azure/main.ts, docs/azure.md). Ctrl-C stops the running
 * step and still destroys the stack and deletes the resource group; a second Ctrl-C exits at once, naming the group
 * left behind.
 */
import { main } from '../test/azure/main.js';

const controller = new AbortController();
let group: string | undefined;
process.on('SIGINT', () => {
  if (!controller.signal.aborted) {
    process.stderr.write(
      `\nCtrl-C: stopping; the stack is destroyed and ${group ?? 'the resource group'} deleted (Ctrl-C again to leave them)\n`,
    );
    controller.abort(new Error('interrupted (Ctrl-C)'));
    return;
  }
  process.stderr.write(
    `\nleft behind: ${group ? `resource group ${group} (az group delete -n ${group} --yes)` : 'nothing created yet'}\n`,
  );
  process.exit(130);
});

process.exitCode = await main(process.argv.slice(2), process.env, {
  log: (line) => process.stdout.write(`${line}\n`),
  signal: controller.signal,
  onResourceGroup: (name) => {
    group = name;
  },
});
