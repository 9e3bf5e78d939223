/** Creation and startup scripts of compute instances. */
import { Duration } from '../../core/duration.js';
import { text } from '../../core/text.js';

/** Options of a setup script. */
export interface SetupScriptOptions {
  /**
   * Arguments passed to the script.
   * @default - none
   */
  readonly arguments?: string;
  /**
   * How long the script may run (≤ 25 minutes).
   * @default - service default
   */
  readonly timeout?: Duration;
}

/**
 * A setup script: inline content (sent base64-encoded) or a path on the workspace's notebooks file share.
 *
 * @example
 * SetupScript.inline('#!/bin/bash\npip install -r /home/azureuser/cloudfiles/code/requirements.txt')
 */
export class SetupScript {
  /** Script content, embedded in the body (base64). Do not put secrets in scripts. */
  public static inline(content: string, options: SetupScriptOptions = {}): SetupScript {
    return new SetupScript(
      'inline',
      typeof content === 'string' ? Buffer.from(content, 'utf8').toString('base64') : '',
      options ?? {},
      content,
    );
  }
  /** A script stored on the workspace file share, path relative to the notebooks root (e.g. `Users/alice/setup.sh`). */
  public static fromWorkspacePath(path: string, options: SetupScriptOptions = {}): SetupScript {
    return new SetupScript('workspace', text(path), options ?? {}, path);
  }
  private constructor(
    public readonly source: 'inline' | 'workspace',
    public readonly data: string,
    public readonly options: SetupScriptOptions,
    /** What the user passed (for validation messages). */
    public readonly given: unknown,
  ) {}

  /** Timeout in minutes, when given. */
  public get timeoutMinutes(): number | undefined {
    return this.options.timeout ? this.options.timeout.toMinutes() : undefined;
  }

  public render(): Record<string, unknown> {
    const t = this.timeoutMinutes;
    return {
      scriptSource: this.source,
      scriptData: this.data,
      ...(this.options.arguments ? { scriptArguments: this.options.arguments } : {}),
      ...(t !== undefined ? { timeout: `${Math.round(t * 100) / 100}m` } : {}),
    };
  }
}
