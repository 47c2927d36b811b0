/**
 * Every error the connector reports, in one table: a stable code (the contract with process
 * designers, whose error boundary events match on it), its HTTP status and a short title.
 */
export const errorCatalog = {
  // Input
  VALIDATION_ERROR: { status: 400, title: 'Invalid input' },
  INVALID_CHAT: { status: 400, title: 'Invalid chat' },
  EXPRESSION_ERROR: { status: 400, title: 'Expression cannot be evaluated' },
  NOT_ON_WHATSAPP: { status: 422, title: 'Number is not on WhatsApp' },

  // HTTP: requests the service cannot read, and a service on its way down
  NOT_FOUND: { status: 404, title: 'No such route' },
  REQUEST_TIMEOUT: { status: 408, title: 'Request was not received in time' },
  URI_TOO_LONG: { status: 414, title: 'Address is too long' },
  HEADERS_TOO_LARGE: { status: 431, title: 'Request headers are too large' },
  SHUTTING_DOWN: { status: 503, title: 'Service is shutting down' },

  // Authorisation and sessions
  UNAUTHORIZED: { status: 401, title: 'Missing or invalid credentials' },
  FORBIDDEN: { status: 403, title: 'Not allowed' },
  SESSION_NOT_FOUND: { status: 404, title: 'Session not found' },
  TOKEN_NOT_FOUND: { status: 404, title: 'Token not found' },
  WEBHOOK_NOT_FOUND: { status: 404, title: 'Webhook not found' },
  WEBHOOK_URL_FORBIDDEN: { status: 422, title: 'Webhook URL not allowed' },
  SESSION_NOT_CONNECTED: { status: 503, title: 'Session is not connected' },
  SESSION_LOGGED_OUT: { status: 410, title: 'Session was logged out' },
  SESSION_OTHER_ENGINE: { status: 409, title: 'Session belongs to another engine' },
  WHATSAPP_UNREACHABLE: { status: 503, title: 'WhatsApp cannot be reached' },

  // WhatsApp's rules on existing messages
  MESSAGE_NOT_FOUND: { status: 404, title: 'Message not found' },
  EDIT_WINDOW_EXPIRED: { status: 422, title: 'Message can no longer be edited' },
  DELETE_WINDOW_EXPIRED: { status: 422, title: 'Message can no longer be deleted for everyone' },
  NOT_YOUR_MESSAGE: { status: 403, title: 'Only your own messages can be changed' },
  NO_MEDIA: { status: 422, title: 'Message has no file' },
  WITHDRAWN: { status: 409, title: 'Message was deleted before it was sent' },
  MEDIA_UNAVAILABLE: { status: 410, title: 'File can no longer be downloaded' },

  // Attachments
  ATTACHMENT_FETCH_FAILED: { status: 502, title: 'Attachment could not be fetched' },
  ATTACHMENT_TOO_LARGE: { status: 413, title: 'Attachment is too large' },
  ATTACHMENT_URL_FORBIDDEN: { status: 422, title: 'Attachment address is not allowed' },

  // Delivery
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  TIMEOUT: { status: 504, title: 'Timed out' },
  IDEMPOTENCY_CONFLICT: { status: 409, title: 'Idempotency key was used for another request' },
  ENGINE_ERROR: { status: 502, title: 'WhatsApp engine failed' },
  INTERNAL: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof errorCatalog;

export const errorCodes = Object.keys(errorCatalog) as ErrorCode[];

/** The serialisable form of an error, as the executor and the HTTP API report it. */
export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/**
 * The one error type the library throws.
 *
 * @example throw new ConnectorError('INVALID_CHAT', `"${input}" is not a phone number or chat id`, { input })
 */
export class ConnectorError extends Error {
  override readonly name = 'ConnectorError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get status(): number {
    return errorCatalog[this.code].status;
  }

  toJSON(): ErrorInfo {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isConnectorError(error: unknown): error is ConnectorError {
  return error instanceof ConnectorError;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCatalog, value);
}

/**
 * Turns anything thrown into a ConnectorError, so callers always see a code.
 * Unknown failures become INTERNAL and keep the original as `cause`.
 */
export function toConnectorError(error: unknown): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ConnectorError('INTERNAL', message, undefined, { cause: error });
}
