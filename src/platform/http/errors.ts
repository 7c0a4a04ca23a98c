/**
 * The one error shape of /api: `{"error": {"code", "message", "details"}}`. Codes are stable and
 * dotted (`module.problem`); the web app translates them, so messages here stay plain English.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const badRequest = (code: string, message: string, details?: Record<string, unknown>) => new AppError(400, code, message, details);
export const unauthenticated = () => new AppError(401, 'auth.required', 'Sign in first.');
export const forbidden = (action: string) => new AppError(403, 'auth.forbidden', 'Not allowed for your role or scope.', { action });
export const notFound = (what: string, id?: string) =>
  new AppError(404, `${what}.not_found`, `No such ${what}.`, id === undefined ? undefined : { id });
export const conflict = (code: string, message: string, details?: Record<string, unknown>) => new AppError(409, code, message, details);
export const staleVersion = (current: number) =>
  new AppError(409, 'request.stale_version', 'Someone else changed this first; reload and try again.', { current });
export const unprocessable = (code: string, message: string, details?: Record<string, unknown>) =>
  new AppError(422, code, message, details);
export const tooManyRequests = (code: string, message: string, retryAfterSeconds: number) =>
  new AppError(429, code, message, { retryAfterSeconds }, { 'retry-after': String(retryAfterSeconds) });
export const databaseUnavailable = () => new AppError(503, 'db.unavailable', 'The database is not reachable; try again shortly.');

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

export function errorBody(error: AppError): ErrorBody {
  return { error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } };
}
