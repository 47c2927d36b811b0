/**
 * WhatsApp's limits the connector enforces before sending (PRODUCT §6), so that users get a clear
 * error instead of a silent failure. Media sizes are defaults an operator may change.
 */
export const limits = {
  /** Only own messages, and only this long after sending. */
  editWindowMs: 15 * 60 * 1000,
  /** "Delete for everyone": only own messages, about 2 days 12 hours after sending. */
  deleteForEveryoneWindowMs: 60 * 60 * 60 * 1000,
  /** Chats one forward may reach at once. */
  forwardMaxChats: 5,
  /** Chats when the message was already "forwarded many times". */
  forwardMaxChatsWhenFrequentlyForwarded: 1,
  /** A message counts as "forwarded many times" from this forwarding score on. */
  frequentlyForwardedScore: 5,
  textMaxLength: 4096,
  captionMaxLength: 1024,
} as const;

export const mediaKinds = ['image', 'video', 'audio', 'document'] as const;

export type MediaKind = (typeof mediaKinds)[number];

export type MediaSizeLimits = Record<MediaKind, number>;

const MB = 1024 * 1024;

export const defaultMediaSizeLimits: MediaSizeLimits = {
  image: 5 * MB,
  video: 16 * MB,
  audio: 16 * MB,
  document: 100 * MB,
};

/**
 * What one evaluation of a designer's expression may spend (docs/expressions.md, "Budgets"), so
 * that a runaway expression fails in milliseconds with memory bounded instead of blocking the
 * process.
 */
export const expressionLimits = {
  /** The longest text an expression may build: WhatsApp's own ceiling for a message text. */
  maxTextLength: 65_536,
  /** Characters and items helpers and operators may go through in one evaluation. */
  maxSteps: 1_000_000,
  /** How deeply data (allValues) may nest when it is turned into text or compared. */
  maxDataDepth: 100,
} as const;

/**
 * Attachment bytes the connector holds at once: not WhatsApp's limits but the connector's own, so
 * one message with many large files, or many at once, cannot exhaust the process. Defaults an
 * operator may change (`CONNECTOR_ATTACHMENTS_REQUEST_MB`, `CONNECTOR_ATTACHMENTS_PROCESS_MB`).
 */
export const attachmentBudgets = {
  /** All attachments of one message together: two documents of WhatsApp's largest size. */
  requestMaxBytes: 200 * MB,
  /** All attachments of every message in flight together. */
  processMaxBytes: 1024 * MB,
  /** The wait a RATE_LIMITED answer advises: about the time to send a few large files. */
  retryAfterMs: 10_000,
} as const;
