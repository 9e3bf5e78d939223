/**
 * Turning ARM's answers into `ArmError`s: unpack `{ error: { code, message, details } }` (and the flat
 * `{ code, message }` some providers send), survive malformed or non-JSON bodies (gateways send HTML), and
 * classify what may be retried.
 */
import { ArmError } from './types.js';
import { isInProgressCode } from './retry.js';

const STATUS_CODES: Readonly<Record<number, string>> = {
  400: 'BadRequest',
  401: 'AuthenticationFailed',
  403: 'AuthorizationFailed',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  412: 'PreconditionFailed',
  413: 'RequestEntityTooLarge',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

/** The code ARM would use for a bare HTTP status. */
export function codeForStatus(status: number): string {
  return STATUS_CODES[status] ?? `HttpStatus${status}`;
}

interface Unpacked {
  code?: string;
  message?: string;
  details?: unknown[];
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** ARM's error object from a parsed body, whichever of the shapes it came in. */
export function unpackErrorBody(body: unknown): Unpacked {
  const rec = asRecord(body);
  if (!rec) return {};
  const inner = asRecord(rec.error) ?? asRecord(asRecord(rec.odata)?.error) ?? rec;
  const code = typeof inner.code === 'string' && inner.code.trim() !== '' ? inner.code : undefined;
  const message = typeof inner.message === 'string' ? inner.message : undefined;
  const details = Array.isArray(inner.details) ? (inner.details as unknown[]) : undefined;
  return { code, message, details };
}

/** Parse a body as JSON; `undefined` when empty or not JSON. */
export function parseJsonBody(text: string | null | undefined): unknown {
  if (text === undefined || text === null || text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A short, single-line excerpt of a non-JSON body for the message. */
function excerpt(text: string): string {
  const flat = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

/**
 * The ArmError for an HTTP error answer. `retryable`: 429, 5xx, and 409 (or 429) with an
 * operation-in-progress code; everything else (400, 403, 404, other 409s) is final.
 */
export function armErrorFromResponse(init: {
  status: number;
  bodyText: string | null | undefined;
  method: string;
  url: string;
  retryAfterMs?: number;
  requestId?: string;
}): ArmError {
  const parsed = parseJsonBody(init.bodyText);
  const { code, message, details } = unpackErrorBody(parsed);
  const armCode = code ?? codeForStatus(init.status);
  const path = safePath(init.url);
  let msg: string;
  if (message) msg = message;
  else if (init.bodyText && init.bodyText.trim() !== '')
    msg = `${init.method} ${path} failed and the answer was not ARM's error JSON: ${excerpt(init.bodyText)}`;
  else msg = `${init.method} ${path} failed with HTTP ${init.status} and no body`;
  // Some providers (Azure ML among them) answer a busy resource with a plain 409 `Conflict` whose message says
  // an operation is in progress: that is contention too, not a naming conflict.
  const inProgress =
    isInProgressCode(armCode) ||
    (init.status === 409 && armCode === 'Conflict' && /in progress|another operation/i.test(message ?? ''));
  const retryable =
    init.status === 429 || init.status >= 500 || ((init.status === 409 || init.status === 429) && inProgress);
  return new ArmError({
    status: init.status,
    armCode,
    message: msg,
    details,
    retryable,
    retryAfterMs: init.retryAfterMs,
    requestId: init.requestId,
    // A POST that failed with 5xx may have been applied before the failure: re-observe before resending.
    outcomeUnknown: init.method === 'POST' && init.status >= 500,
  });
}

/** The error of a failed or canceled long-running operation (its status body's `error`). */
export function armErrorFromOperation(init: {
  status: 'Failed' | 'Canceled';
  body: unknown;
  pollStatus: number;
  resourceId?: string;
  requestId?: string;
}): ArmError {
  const { code, message, details } = unpackErrorBody(init.body);
  const armCode = code ?? (init.status === 'Canceled' ? 'OperationCanceled' : 'OperationFailed');
  const what = init.resourceId ? ` on ${init.resourceId}` : '';
  return new ArmError({
    status: init.pollStatus,
    armCode,
    message: message ?? `the long-running operation${what} ended ${init.status} without an error message`,
    details,
    retryable:
      isInProgressCode(armCode) ||
      /^(InternalServerError|ServiceUnavailable|InternalError|GatewayTimeout)$/i.test(armCode),
    requestId: init.requestId,
  });
}

/** The path and query of a URL without credentials-like query values (for messages). */
export function safePath(url: string): string {
  try {
    const u = new URL(url);
    for (const key of [...u.searchParams.keys()]) {
      if (/sig|token|key|secret|code/i.test(key)) u.searchParams.set(key, '***');
    }
    return `${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}
