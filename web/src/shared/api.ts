/**
 * The one API client of both web apps. Cookie sessions: requests go with the same-origin cookies,
 * and unsafe methods echo the CSRF token the server handed out at login or in GET /api/auth/me.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

let csrfToken: string | undefined;
let onSessionLost: () => void = () => {};

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called when the server says the session is gone (`auth.required`), e.g. it expired. */
export function whenSessionLost(handler: () => void): void {
  onSessionLost = handler;
}

async function request<T>(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...extraHeaders };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (UNSAFE_METHODS.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network.unreachable', 'The server cannot be reached.');
  }
  if (response.status === 204) return undefined as T;
  const data: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw toApiError(response, data);
  return data as T;
}

function toApiError(response: Response, data: unknown): ApiError {
  const error = (data as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | undefined)?.error;
  const failure = new ApiError(
    response.status,
    error?.code ?? `http.${response.status}`,
    error?.message ?? response.statusText,
    error?.details,
  );
  if (failure.code === 'auth.required') onSessionLost();
  return failure;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  /** `headers`: extra request headers, e.g. an `Idempotency-Key` for a write a phone may retry. */
  post: <T>(path: string, body?: unknown, headers?: Record<string, string>) => request<T>('POST', path, body, headers),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, body),
  delete: <T>(path: string) => request<T>('DELETE', path),
};

/** Sends a file as the request body (imports), with the CSRF token as every unsafe request does. */
export async function uploadFile<T>(path: string, file: Blob, contentType: string): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': contentType };
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, { method: 'POST', headers, credentials: 'same-origin', body: file });
  } catch {
    throw new ApiError(0, 'network.unreachable', 'The server cannot be reached.');
  }
  const data: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw toApiError(response, data);
  return data as T;
}
