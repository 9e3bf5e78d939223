/**
 * The root of a construct tree. `app.synth()` turns every Stack below it into a validated manifest.
 */
import { Construct } from 'constructs';
import type { Diagnostic } from './errors.js';
import type { Manifest } from '../manifest/types.js';
import { synthesize } from './synth.js';
import { hasBrand, isReadableObject } from './brand.js';
import { cleanProps } from './props.js';

const APP = Symbol.for('amlcdk.App');

/** Props of an {@link App}. */
export interface AppProps {
  /**
   * Directory to write manifests to when the program runs outside the CLI. Under `amlcdk synth` the CLI decides
   * (environment variable `AMLCDK_OUTDIR`).
   * @default - outside the CLI nothing is written; `synth()` only returns the manifests
   */
  readonly outdir?: string;
}

/** Options of {@link App.synth}. */
export interface SynthOptions {
  /**
   * Write manifests (to `AMLCDK_OUTDIR` under the CLI, else to `outdir` when given).
   * @default true
   */
  readonly write?: boolean;
}

/** What synthesis produced. */
export interface SynthResult {
  /** One manifest per stack, in stack order. */
  readonly manifests: readonly Manifest[];
  /** Warnings and notes (errors make synthesis fail instead). */
  readonly diagnostics: readonly Diagnostic[];
  /** Files written, if any (absolute paths). */
  readonly files: readonly string[];
}

/**
 * The root construct of an amlcdk program.
 *
 * @example
 * const app = new App();
 * new QuickstartStack(app, 'Quickstart', { subscriptionId, resourceGroup: 'rg-ml', location: 'westeurope' });
 * app.synth();
 */
export class App extends Construct {
  public static isApp(x: unknown): x is App {
    return hasBrand(x, APP);
  }

  public readonly outdir?: string;

  constructor(props: AppProps = {}) {
    super(undefined as unknown as Construct, '');
    Object.defineProperty(this, APP, { value: true });
    const p: AppProps = isReadableObject(props) ? cleanProps(props).props : {};
    this.outdir = typeof p.outdir === 'string' ? p.outdir : undefined;
  }

  /**
   * Run aspects, validate the whole tree, render and schema-check the manifests.
   *
   * Outside the CLI, errors throw `SynthesisError` with every diagnostic. Under the CLI (`AMLCDK_OUTDIR` set)
   * errors are written to the synth report, `process.exitCode` is set to 1 and nothing is thrown.
   */
  public synth(options: SynthOptions = {}): SynthResult {
    return synthesize(this, options);
  }
}
