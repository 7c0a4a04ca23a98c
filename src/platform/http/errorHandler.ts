import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isDatabaseUnavailable } from '../db/dialect.ts';
import { AppError, databaseUnavailable, errorBody } from './errors.ts';

/** Fastify's own failures, translated to stable codes. */
const FASTIFY_CODES: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'request.malformed_json', message: 'The body is not valid JSON.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'request.malformed_json', message: 'The JSON body is empty.' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'request.too_large', message: 'The body is too large.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'request.unsupported_media_type', message: 'Send JSON (application/json).' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'request.bad_length', message: 'Content-Length does not match the body.' },
};

/** Every failure under /api leaves in the DESIGN.md error shape, never as a stack trace. */
export function toAppError(error: FastifyError | Error): AppError {
  if (error instanceof AppError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((v) => {
      const keys = (v.params as { keys?: string[] }).keys;
      return {
        in: error.validationContext,
        path: v.instancePath.replace(/^\//, '').split('/').filter(Boolean).join('.'),
        problem: v.message,
        ...(v.keyword === 'unrecognized_keys' && keys ? { unknownFields: keys } : {}),
      };
    });
    return new AppError(400, 'request.invalid', 'The request does not match the expected shape.', { issues });
  }
  const known = FASTIFY_CODES[(error as FastifyError).code ?? ''];
  if (known) return new AppError(known.status, known.code, known.message);
  if (error instanceof SyntaxError) return new AppError(400, 'request.malformed_json', 'The body is not valid JSON.');
  if (isDatabaseUnavailable(error)) return databaseUnavailable();
  const status = (error as FastifyError).statusCode;
  if (status && status >= 400 && status < 500) {
    return new AppError(status, 'request.rejected', error.message);
  }
  return new AppError(500, 'internal', 'Something went wrong on our side; it has been logged.');
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    let appError: AppError;
    try {
      appError = toAppError(error);
    } catch {
      appError = new AppError(500, 'internal', 'Something went wrong on our side; it has been logged.');
    }
    if (appError.status >= 500) {
      request.log.error({ err: { message: error.message, code: (error as FastifyError).code, stack: error.stack } }, appError.code);
    }
    if (appError.headers) reply.headers(appError.headers);
    return reply.code(appError.status).send(errorBody(appError));
  });
}
