/**
 * Who holds a lock, how to describe them, and the errors a refused or lost lock raises.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { AmlcdkError } from '../core/errors.js';
import type { LockHolder } from './types.js';

function userName(): string {
  try {
    return userInfo().username || process.env.USER || process.env.USERNAME || 'unknown';
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

/**
 * When a process started, as the kernel counts it (Linux: field 22 of /proc/<pid>/stat, clock ticks since boot), so
 * a pid reused by another process after the holder died is told apart from the holder. Undefined where unknown.
 */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count fields after its closing ")".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = fields[19];
    return start && /^\d+$/.test(start) ? start : undefined;
  } catch {
    return undefined;
  }
}

/** A holder record for this process. */
export function currentHolder(operation: string): LockHolder {
  const host = hostname();
  const pidStart = processStart(process.pid);
  return {
    id: randomUUID(),
    who: `${userName()}@${host}`,
    host,
    pid: process.pid,
    ...(pidStart ? { pidStart } : {}),
    operation,
    since: new Date().toISOString(),
  };
}

/**
 * Why `holder` is provably gone, or `undefined`: it ran on this host and its pid no longer exists, or the pid now
 * belongs to a process that started at another time (the pid was reused). Only then may a lock be taken over
 * without a human: a holder on another host cannot be checked from here.
 */
export function goneOnThisHost(holder: LockHolder | undefined): string | undefined {
  if (!holder || holder.host !== hostname() || holder.pid === process.pid) return undefined;
  if (!pidAlive(holder.pid)) return `process ${holder.pid} no longer runs on ${holder.host}`;
  if (holder.pidStart !== undefined) {
    const now = processStart(holder.pid);
    if (now !== undefined && now !== holder.pidStart)
      return `process ${holder.pid} on ${holder.host} is another process than the holder (it started at another time: the pid was reused)`;
  }
  return undefined;
}

/** Whether a pid runs on this machine (EPERM: it runs, as another user). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `alice@build-7 (pid 4242, apply, since 2026-01-01T10:00:00.000Z, lock id 1b2c…)` */
export function describeHolder(h: LockHolder): string {
  return `${h.who} (pid ${h.pid}, ${h.operation}, since ${h.since}${h.id ? `, lock id ${h.id}` : ''})`;
}

/** A second `lock()` while another run holds the stack. */
export class StateLockedError extends AmlcdkError {
  public readonly stackName: string;
  /** Undefined when the lock exists but its record is unreadable. */
  public readonly holder?: LockHolder;
  /** True when the holder is known to be dead (same host, pid gone) or its lease/heartbeat lapsed. */
  public readonly stale: boolean;
  constructor(init: {
    stack: string;
    location: string;
    holder?: LockHolder;
    stale: boolean;
    staleReason?: string;
    hint?: string;
  }) {
    const who = init.holder ? describeHolder(init.holder) : 'an unknown holder (the lock record is unreadable)';
    const tail = init.stale
      ? `The lock is stale: ${init.staleReason ?? 'its holder is gone'}. Break it explicitly with \`amlcdk state break-lock ${init.stack}\`, then run again.`
      : `Wait for that run to finish${init.hint ? `; ${init.hint}` : ''}. If it is dead, break the lock with \`amlcdk state break-lock ${init.stack}\`.`;
    super('StateLocked', `stack "${init.stack}" in ${init.location} is locked by ${who}. ${tail}`);
    this.stackName = init.stack;
    this.holder = init.holder;
    this.stale = init.stale;
  }
}

/** The lock this process held was broken (or its lease lapsed): it must stop writing state. */
export class StateLockLostError extends AmlcdkError {
  constructor(stack: string, location: string, why: string) {
    super(
      'StateLockLost',
      `the lock on stack "${stack}" in ${location} is no longer held by this run (${why}); state and journal writes are refused so two runs never write at once. Fix: run again; the journal lets the next run resume`,
    );
  }
}
