/**
 * Who holds a lock, how to describe them, and the errors a refused or lost lock raises.
 */
import { randomUUID } from 'node:crypto';
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

/** A holder record for this process. */
export function currentHolder(operation: string): LockHolder {
  const host = hostname();
  return {
    id: randomUUID(),
    who: `${userName()}@${host}`,
    host,
    pid: process.pid,
    operation,
    since: new Date().toISOString(),
  };
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
