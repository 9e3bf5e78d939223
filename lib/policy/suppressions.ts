/**
 * Construct-scoped suppressions: `Suppressions.of(construct).add({ id, reason, expires? })`.
 *
 * A suppression silences one rule for a construct and everything below it. It needs a reason of at least 10
 * characters, may expire (then the finding is active again and the expiry is itself reported), and is recorded
 * as construct metadata, which `AzureResource.toManifestResource()` copies into every resource below.
 */
import type { IConstruct } from 'constructs';
import { ValidationError } from '../core/errors.js';
import { captureSource } from '../core/source.js';
import { SUPPRESSION_METADATA_TYPE, type Suppression } from '../manifest/types.js';
import { RULES_BY_ID } from './rules/index.js';

/** What `add()` takes. */
export interface SuppressionProps {
  /** Rule id, e.g. `AML-NET-007`. */
  readonly id: string;
  /** Why the finding is acceptable here; at least 10 characters. Shown in every report. */
  readonly reason: string;
  /**
   * Last day (ISO `YYYY-MM-DD`, UTC) on which the suppression applies. After it the finding is active again and
   * an AML-SUP-001 finding asks for a review.
   * @default - never expires
   */
  readonly expires?: string;
}

export const MIN_REASON_LENGTH = 10;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `s` is a real calendar date in `YYYY-MM-DD` form. */
export function isIsoDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return (
    !Number.isNaN(d.getTime()) &&
    d.getUTCFullYear() === Number(m[1]) &&
    d.getUTCMonth() + 1 === Number(m[2]) &&
    d.getUTCDate() === Number(m[3])
  );
}

/** True when the suppression's last day is before `now` (UTC). */
export function isExpired(expires: string | undefined, now: Date): boolean {
  if (!expires) return false;
  return new Date(`${expires}T23:59:59.999Z`).getTime() < now.getTime();
}

/**
 * The suppressions of a construct subtree.
 *
 * @example
 * Suppressions.of(gpuCluster).add({
 *   id: 'AML-COST-001',
 *   reason: 'warm pool for the nightly benchmark; owner: ml-platform',
 *   expires: '2026-12-31',
 * });
 */
export class Suppressions {
  /** The suppressions facade of a construct (a Stack suppresses stack-wide, reported with a warning). */
  public static of(scope: IConstruct): Suppressions {
    return new Suppressions(scope);
  }

  private constructor(private readonly scope: IConstruct) {}

  /** Suppress one rule for this construct and its children. Throws ValidationError on bad input. */
  public add(props: SuppressionProps): this {
    const id = typeof props?.id === 'string' ? props.id.trim() : '';
    const rule = RULES_BY_ID.get(id);
    if (!rule) {
      throw new ValidationError(
        'SuppressionUnknownRule',
        `suppression names no rule: ${JSON.stringify(props?.id)}`,
        this.scope,
        {
          value: props?.id,
          allowed: 'a rule id from docs/rules.md, e.g. AML-NET-007',
          fix: 'correct the rule id (ids are upper case, like AML-COST-001)',
        },
      );
    }
    if (rule.pack === 'meta') {
      throw new ValidationError(
        'SuppressionNotAllowed',
        `rule ${id} reports on suppressions themselves and cannot be suppressed`,
        this.scope,
        {
          value: id,
          allowed: 'any rule outside AML-SUP-*',
          fix: 'fix the suppression that the finding is about (renew its expiry or move it off the stack)',
        },
      );
    }
    const reason = typeof props.reason === 'string' ? props.reason.trim() : '';
    if (reason.length < MIN_REASON_LENGTH) {
      throw new ValidationError(
        'SuppressionReasonTooShort',
        `suppression of ${id} needs a reason of at least ${MIN_REASON_LENGTH} characters`,
        this.scope,
        {
          value: props.reason ?? null,
          allowed: `a reason of ${MIN_REASON_LENGTH}+ characters`,
          fix: `say why ${id} is acceptable here, e.g. reason: 'GPU warm pool for the nightly benchmark, owner ml-platform'`,
        },
      );
    }
    if (props.expires !== undefined && (typeof props.expires !== 'string' || !isIsoDate(props.expires))) {
      throw new ValidationError(
        'SuppressionInvalidExpiry',
        `suppression of ${id} has an invalid expiry date`,
        this.scope,
        {
          value: props.expires,
          allowed: 'a calendar date YYYY-MM-DD',
          fix: "write the last day the suppression applies, e.g. expires: '2026-12-31'",
        },
      );
    }
    const source = captureSource();
    const suppression: Suppression = {
      ruleId: id,
      reason,
      ...(props.expires !== undefined ? { expires: props.expires } : {}),
      declaredAt: this.scope.node.path,
      ...(source ? { source } : {}),
    };
    this.scope.node.addMetadata(SUPPRESSION_METADATA_TYPE, suppression, { stackTrace: false });
    return this;
  }

  /** Suppressions declared directly on this construct (not inherited). */
  public list(): Suppression[] {
    return this.scope.node.metadata
      .filter((m) => m.type === SUPPRESSION_METADATA_TYPE)
      .map((m) => m.data as Suppression);
  }
}
