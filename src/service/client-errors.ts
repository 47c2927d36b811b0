import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { ConnectorError, type ErrorCode } from '../domain/errors.js';
import { toProblem } from './problem.js';

/** Node's HTTP parser and timeout errors, by the code the caller gets. */
function codeOf(error: NodeJS.ErrnoException): ErrorCode {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'REQUEST_TIMEOUT';
  if (error.code === 'HPE_HEADER_OVERFLOW') return 'HEADERS_TOO_LARGE';
  return 'VALIDATION_ERROR';
}

const explanations: Partial<Record<ErrorCode, string>> = {
  REQUEST_TIMEOUT: 'The request did not arrive in time (see CONNECTOR_HEADERS_TIMEOUT_MS and CONNECTOR_BODY_TIMEOUT_MS)',
  HEADERS_TOO_LARGE: 'The request headers are larger than the service reads',
  VALIDATION_ERROR: 'The request is not well-formed HTTP',
};

/**
 * Answers what Node's HTTP server reports before or beside a request (a malformed message, headers
 * too large, a request that did not arrive within its timeout) as a problem document written on the
 * socket itself, then closes the connection: the stream cannot be trusted to carry another request.
 * Fastify's `clientErrorHandler`; `this` is the app.
 */
export function answerClientError(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const code = codeOf(error);
  this.log.debug({ err: error, code }, 'client error');
  // As Node does: write only when no answer to the current request has begun on this socket.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const problem = toProblem(new ConnectorError(code, explanations[code] ?? code, error.code ? { reason: error.code } : undefined));
    const body = JSON.stringify(problem);
    socket.write(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\nContent-Type: application/problem+json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
