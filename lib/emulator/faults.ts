/**
 * Seeded fault injection. Each rule keeps its own match counter; the random draw for the n-th matching request
 * of rule r is a pure function of (seed, r, n), so a run is reproducible from its seed even when unrelated
 * requests interleave differently.
 */
import type { FaultRule } from './options.js';

export interface FaultRequest {
  readonly method: string;
  readonly path: string;
  /** Lower-case full resource type, if the path names one. */
  readonly typeKey?: string;
  readonly isPoll: boolean;
}

/** What the faults decided for one request. */
export interface FaultDecision {
  latencyMs: number;
  /** Answer this status (5xx) without processing. */
  errorStatus?: number;
  /** Answer 429 with this Retry-After without processing. */
  stormRetryAfter?: number;
  /** Destroy the socket without processing. */
  drop?: boolean;
  /** Process, then destroy the socket instead of answering. */
  acceptThenDrop?: boolean;
  /** A started LRO fails after this many polls. */
  lroFailure?: { afterPolls: number; code: string; message: string };
  /** Indexes of the rules that acted (for the log). */
  rules: number[];
}

/** mulberry32 over a 32-bit hash of (seed, rule, n). */
export function draw(seed: number, rule: number, n: number, salt: number): number {
  let h =
    (seed ^ Math.imul(rule + 1, 0x9e3779b1) ^ Math.imul(n + 1, 0x85ebca6b) ^ Math.imul(salt + 1, 0xc2b2ae35)) >>> 0;
  h = (h + 0x6d2b79f5) >>> 0;
  let t = h;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

interface RuleState {
  matched: number;
  acted: number;
  stormStart?: number;
  stormCount: number;
  re?: RegExp;
}

export class FaultInjector {
  private rules: readonly FaultRule[] = [];
  private states: RuleState[] = [];
  private seed = 1;

  constructor(rules: readonly FaultRule[] | undefined, seed: number | undefined) {
    this.configure(rules ?? [], seed ?? 1);
  }

  configure(rules: readonly FaultRule[], seed: number): void {
    this.rules = rules;
    this.seed = seed | 0;
    this.states = rules.map((r) => ({
      matched: 0,
      acted: 0,
      stormCount: 0,
      re: r.path ? new RegExp(r.path, 'i') : undefined,
    }));
  }

  get active(): boolean {
    return this.rules.length > 0;
  }

  private matches(i: number, req: FaultRequest): boolean {
    const r = this.rules[i];
    if (req.isPoll && !r.polls) return false;
    if (r.method !== undefined) {
      const ms = typeof r.method === 'string' ? [r.method] : r.method;
      if (!ms.some((m) => m.toUpperCase() === req.method)) return false;
    }
    if (r.resourceType !== undefined && r.resourceType.toLowerCase() !== req.typeKey) return false;
    const re = this.states[i].re;
    if (re && !re.test(req.path)) return false;
    return true;
  }

  decide(req: FaultRequest, now: number = Date.now()): FaultDecision {
    const d: FaultDecision = { latencyMs: 0, rules: [] };
    for (let i = 0; i < this.rules.length; i++) {
      if (!this.matches(i, req)) continue;
      const r = this.rules[i];
      const st = this.states[i];
      const n = st.matched++;
      if (n < (r.after ?? 0)) continue;
      if (r.times !== undefined && st.acted >= r.times) continue;
      let acted = false;
      if (r.latencyMs !== undefined) {
        const l =
          typeof r.latencyMs === 'number'
            ? r.latencyMs
            : r.latencyMs[0] + draw(this.seed, i, n, 1) * (r.latencyMs[1] - r.latencyMs[0]);
        d.latencyMs += Math.max(0, Math.round(l));
        acted = true;
      }
      if (r.storm) {
        const s = r.storm;
        st.stormStart ??= now;
        const inWindow =
          s.durationMs !== undefined ? now - st.stormStart < s.durationMs : st.stormCount < (s.count ?? 1);
        if (inWindow) {
          st.stormCount += 1;
          d.stormRetryAfter ??= s.retryAfterSeconds ?? 1;
          acted = true;
        }
      }
      if (r.dropRate !== undefined && draw(this.seed, i, n, 2) < r.dropRate) {
        d.drop = true;
        acted = true;
      }
      if (r.errorRate !== undefined && draw(this.seed, i, n, 3) < r.errorRate) {
        d.errorStatus ??= r.errorStatus ?? 503;
        acted = true;
      }
      if (r.acceptThenDropRate !== undefined && draw(this.seed, i, n, 4) < r.acceptThenDropRate) {
        d.acceptThenDrop = true;
        acted = true;
      }
      if (r.lroFailure && draw(this.seed, i, n, 5) < (r.lroFailure.rate ?? 1)) {
        d.lroFailure ??= {
          afterPolls: Math.max(1, r.lroFailure.afterPolls ?? 1),
          code: r.lroFailure.code ?? 'InternalServerError',
          message: r.lroFailure.message ?? 'The operation failed part-way (injected by the emulator).',
        };
        acted = true;
      }
      if (acted) {
        st.acted += 1;
        d.rules.push(i);
      }
    }
    return d;
  }
}
