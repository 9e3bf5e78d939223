/** A length of time, rendered as ISO 8601 (`PT20M`) for ARM. */
import { ValidationError } from './errors.js';
import { safeJson } from './redact.js';
import { isReadableObject } from './brand.js';

/**
 * An amount of time.
 *
 * @example
 * Duration.minutes(30).toIsoString(); // 'PT30M'
 */
export class Duration {
  public static seconds(n: number): Duration {
    return new Duration(n, 'seconds');
  }
  public static minutes(n: number): Duration {
    return new Duration(typeof n === 'number' ? n * 60 : NaN, 'minutes', n);
  }
  public static hours(n: number): Duration {
    return new Duration(typeof n === 'number' ? n * 3600 : NaN, 'hours', n);
  }
  public static days(n: number): Duration {
    return new Duration(typeof n === 'number' ? n * 86400 : NaN, 'days', n);
  }

  /**
   * Parse ISO 8601 (`PT2M`, `P1DT2H`). Throws ValidationError `InvalidDuration` otherwise.
   */
  public static parse(iso: string): Duration {
    const m =
      typeof iso === 'string' ? /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(iso) : null;
    if (!m || iso === 'P' || iso.endsWith('T')) {
      throw new ValidationError('InvalidDuration', `${safeJson(iso)} is not an ISO 8601 duration`, '<Duration>', {
        value: iso,
        allowed: 'PnDTnHnMnS, e.g. PT30M or P1D',
        fix: 'use Duration.minutes(30) or an ISO 8601 string like PT30M',
      });
    }
    return Duration.seconds(
      Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0),
    );
  }

  public static isDuration(x: unknown): x is Duration {
    return isReadableObject(x) && x instanceof Duration;
  }

  private readonly totalSeconds: number;

  private constructor(totalSeconds: number, unit: string, given: number = totalSeconds) {
    if (typeof given !== 'number' || !Number.isFinite(given) || given < 0) {
      throw new ValidationError('InvalidDuration', `a duration must be a finite number ≥ 0 of ${unit}`, '<Duration>', {
        value: given,
        allowed: 'a finite number ≥ 0',
        fix: `pass e.g. Duration.${unit}(30)`,
      });
    }
    this.totalSeconds = totalSeconds;
  }

  public toSeconds(): number {
    return this.totalSeconds;
  }
  public toMinutes(): number {
    return this.totalSeconds / 60;
  }

  /** ISO 8601, largest units first, e.g. `P1DT2H30M`. Zero is `PT0S`. */
  public toIsoString(): string {
    let s = this.totalSeconds;
    const d = Math.floor(s / 86400);
    s -= d * 86400;
    const h = Math.floor(s / 3600);
    s -= h * 3600;
    const m = Math.floor(s / 60);
    s = Math.round((s - m * 60) * 1000) / 1000;
    let out = 'P';
    if (d) out += `${d}D`;
    if (h || m || s || !d) {
      out += 'T';
      if (h) out += `${h}H`;
      if (m) out += `${m}M`;
      if (s || (!h && !m)) out += `${s}S`;
    }
    return out === 'PT0S' && d ? `P${d}D` : out;
  }

  public toString(): string {
    return this.toIsoString();
  }
}
