/**
 * Exit code for a failure that was reported already. Its own module: every command throws it and lib/cli/main.ts
 * (which registers the commands) catches it, so neither has to import the other.
 */
export class ExitCode extends Error {
  constructor(public readonly code: number) {
    super(`exit ${code}`);
  }
}
