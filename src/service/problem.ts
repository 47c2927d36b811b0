import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ConnectorError, errorCatalog, toConnectorError } from '../domain/errors.js';

/** An RFC 9457 problem document with our stable `code` (PRODUCT §4). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  instance?: string;
  details?: Record<string, unknown>;
}

export function toProblem(error: ConnectorError, instance?: string): Problem {
  const { status, title } = errorCatalog[error.code];
  return {
    type: `urn:whatsapp-connector:error:${error.code}`,
    title,
    status,
    code: error.code,
    detail: error.message,
    ...(instance ? { instance } : {}),
    ...(error.details ? { details: error.details } : {}),
  };
}

export function sendProblem(reply: FastifyReply, error: ConnectorError, instance?: string): FastifyReply {
  const problem = toProblem(error, instance);
  return reply.code(problem.status).type('application/problem+json').send(problem);
}

/**
 * Every error a route throws leaves as a problem document: our own errors with their code, request
 * validation and unreadable bodies as VALIDATION_ERROR, anything unexpected as INTERNAL (logged,
 * its message not shown).
 */
export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendProblem(reply, classify(error, request), request.url);
}

function classify(error: FastifyError | Error, request: FastifyRequest): ConnectorError {
  if (error instanceof ConnectorError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((issue) => ({ path: issue.instancePath.replace(/^\//, '').replace(/\//g, '.'), message: issue.message ?? 'invalid' }));
    const summary = issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ');
    return new ConnectorError('VALIDATION_ERROR', `Invalid request: ${summary}`, { issues });
  }
  const fastifyError = error as FastifyError;
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
    // Malformed JSON, a wrong content type, a body too large: the client's to fix.
    return new ConnectorError('VALIDATION_ERROR', error.message, { reason: fastifyError.code });
  }
  request.log.error({ err: error }, 'unexpected error');
  const internal = toConnectorError(error);
  return internal.code === 'INTERNAL' ? new ConnectorError('INTERNAL', 'Internal error; see the service log') : internal;
}
