import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ConnectorError, errorCatalog, toConnectorError, type ErrorCode } from '../domain/errors.js';
import type { Problem } from './api-schemas.js';

export type { Problem };

export function toProblem(error: ConnectorError, instance?: string, requestId?: string): Problem {
  const { status, title } = errorCatalog[error.code];
  return {
    type: `urn:whatsapp-connector:error:${error.code}`,
    title,
    status,
    code: error.code,
    detail: error.message,
    ...(instance ? { instance } : {}),
    ...(requestId ? { requestId } : {}),
    ...(error.details ? { details: error.details } : {}),
  };
}

export function sendProblem(reply: FastifyReply, error: ConnectorError): FastifyReply {
  const { request } = reply;
  const problem = toProblem(error, request.url, request.id);
  // Answered before its body arrived (no token, shutting down): closing the connection spares the
  // service reading a body it will not use, and frees the connection of a client that never sends it.
  if (!request.raw.complete) reply.header('connection', 'close');
  return reply.code(problem.status).header('x-request-id', request.id).type('application/problem+json').send(problem);
}

/**
 * Every error a route throws leaves as a problem document: our own errors with their code, request
 * validation and unreadable bodies as VALIDATION_ERROR, anything unexpected as INTERNAL (logged,
 * its message not shown).
 */
export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendProblem(reply, classify(error, request));
}

/** Fastify's own client errors that have a code of their own; the others are VALIDATION_ERROR. */
const fastifyCodes: Partial<Record<string, ErrorCode>> = {
  FST_ERR_MAX_PARAM_LENGTH: 'URI_TOO_LONG',
};

function classify(error: FastifyError | Error, request: FastifyRequest): ConnectorError {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((issue) => ({ path: issue.instancePath.replace(/^\//, '').replace(/\//g, '.'), message: issue.message ?? 'invalid' }));
    const summary = issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ');
    // `in`: which part of the request was refused (body, headers, params, querystring).
    return new ConnectorError('VALIDATION_ERROR', `Invalid request: ${summary}`, { issues, ...(error.validationContext ? { in: error.validationContext } : {}) });
  }
  const fastifyError = error as FastifyError;
  if (!(error instanceof ConnectorError) && typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
    // Malformed JSON, a wrong content type, a body too large, a bad URL: the client's to fix.
    return new ConnectorError(fastifyCodes[fastifyError.code] ?? 'VALIDATION_ERROR', error.message, { reason: fastifyError.code });
  }
  const known = toConnectorError(error);
  if (known.code !== 'INTERNAL') return known;
  // An unexpected error's text (a driver's message, a file path, a query) is for the operator
  // only: it goes to the log, under the request id the caller is given to quote.
  request.log.error({ err: error }, 'internal error');
  return new ConnectorError('INTERNAL', `Internal error; the service log has the details under request id ${request.id}`);
}
