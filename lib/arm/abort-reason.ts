import { text } from '../core/text.js';

/** Why `signal` aborted, as an Error (the reason given to `abort()`, which is an Error everywhere amlcdk aborts). */
export function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error) return reason;
  return new Error(reason === undefined ? 'aborted' : `aborted: ${text(reason)}`);
}
