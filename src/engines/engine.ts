import type { Readable } from 'node:stream';
import type { Location } from '../domain/actions.js';
import type { MediaKind } from '../domain/limits.js';
import type { MessageRecord, MessageRef, MessageStatus } from '../domain/message.js';
import type { IncomingMessage } from '../domain/incoming.js';
import type { ContactPayload } from '../domain/vcard.js';

/**
 * The one interface every WhatsApp engine implements (PRODUCT §6): the sandbox network, the real
 * linked device through Baileys. Chats arrive already normalised to JIDs and WhatsApp's rules
 * already checked by the action runner; an engine that can enforce them itself (the sandbox does,
 * as the network would) uses the same functions from `domain/rules`.
 */
export interface WhatsAppEngine {
  readonly kind: 'sandbox' | 'baileys';

  /** Starts linking a new session, or reconnects a linked one. Progress arrives as events. */
  startSession(sessionId: string): Promise<void>;
  /** Disconnects and keeps the link, so a later start reconnects without a scan. */
  stopSession(sessionId: string): Promise<void>;
  /** Unlinks the device; the session cannot act again. */
  logoutSession(sessionId: string): Promise<void>;
  getSessionStatus(sessionId: string): SessionStatus | undefined;
  /** How many of the engine's sessions are in `state` now. */
  countSessions(state: SessionState): number;
  /** Links by code instead of QR: the person types the code on their phone. */
  requestPairingCode(sessionId: string, phone: string): Promise<string>;
  /** Link events, receipts and state changes of every session. Returns the unsubscribe function. */
  subscribe(listener: EngineListener): () => void;

  /** Which of the given user JIDs have a WhatsApp account. */
  checkNumbers(sessionId: string, jids: readonly string[]): Promise<Map<string, boolean>>;
  /** Sends one WhatsApp message. The same `messageId` twice never reaches the chat twice. */
  send(sessionId: string, message: OutgoingMessage, options: SendOptions): Promise<SentMessage>;
  /** A message this session sent or received, for later edits, deletes, reactions and forwards. */
  findMessage(sessionId: string, ref: { id: string; chat?: string }): Promise<MessageRecord | undefined>;
  /**
   * The file of a received or sent media message, decrypted as it streams; NO_MEDIA for another
   * kind, MEDIA_UNAVAILABLE when the engine keeps no bytes or WhatsApp's servers no longer have it.
   */
  openMedia(sessionId: string, ref: { id: string; chat?: string }): Promise<MediaDownload>;
  /** Ends every session's connection and timer; linked sessions keep their credentials. */
  close(): void | Promise<void>;
}

/** `failed`: linking ended without a phone (every QR code ran out); starting the session again links afresh. */
export const sessionStates = ['linking', 'connected', 'reconnecting', 'stopped', 'failed', 'logged_out'] as const;

export type SessionState = (typeof sessionStates)[number];

export interface SessionStatus {
  sessionId: string;
  state: SessionState;
  /** The linked account's JID, once connected. */
  jid?: string;
}

export type EngineEvent =
  | { type: 'qr'; sessionId: string; qr: string; expiresAt: number }
  | { type: 'pairing-code'; sessionId: string; code: string }
  /** `newLink`: a phone was just linked (the token service issues a token); false on a reconnect. */
  | { type: 'connected'; sessionId: string; jid: string; newLink: boolean }
  /**
   * `reason: 'replaced'`: the session stopped by itself because the device logged in on another
   * socket (another process runs it now); it keeps its credentials and does not reconnect.
   */
  | { type: 'state'; sessionId: string; state: SessionState; reason?: 'replaced' }
  | { type: 'link-failed'; sessionId: string; reason: string }
  /** The connection to WhatsApp failed before it was of any use; the engine tries again in `retryInMs`. */
  | { type: 'unreachable'; sessionId: string; reason: string; retryInMs: number }
  | { type: 'logged-out'; sessionId: string; reason: string }
  /**
   * `recipient`: in a group, whose phone the receipt is from; `played`: a voice or video message
   * was played (its `status` is `read`).
   */
  | { type: 'receipt'; sessionId: string; message: MessageRef; status: MessageStatus; recipient?: string; played?: boolean }
  /** Someone wrote to the session (a 1:1 chat or a group it is in); the engine archived it first. */
  | { type: 'message'; sessionId: string; message: IncomingMessage };

export type EngineListener = (event: EngineEvent) => void;

/**
 * Where an engine keeps a linked device's credentials between runs, so a restart reconnects
 * without a new scan. The service keeps them encrypted in its store; each `save` is atomic.
 */
export interface CredentialStore {
  load(sessionId: string): Promise<Record<string, string>>;
  /** Writes all entries or none; `null` removes an entry. */
  save(sessionId: string, entries: Record<string, string | null>): Promise<void>;
  clear(sessionId: string): Promise<void>;
}

/** A media file as it downloads: its type, name and size as the message describes it. */
export interface MediaDownload {
  mimeType: string;
  fileName?: string;
  size?: number;
  stream: Readable;
}

export interface SendOptions {
  /** Derived from the caller's idempotency key, so a retry reuses it. */
  messageId: string;
  signal?: AbortSignal;
}

export interface SentMessage extends MessageRef {
  timestamp: number;
  status: MessageStatus;
}

/**
 * A file to send: bytes in memory, or a file on disk that the engine reads as a stream, so an
 * attachment of 100 MB never sits whole in memory. The file belongs to the caller, who deletes it
 * after the send.
 */
export type OutgoingMedia = {
  kind: MediaKind;
  mimeType: string;
  fileName: string;
} & ({ bytes: Uint8Array } | { path: string; size: number });

export type OutgoingMessage =
  | { type: 'text'; chat: string; text: string; quoted?: MessageRecord }
  | { type: 'media'; chat: string; media: OutgoingMedia; caption?: string; quoted?: MessageRecord }
  | { type: 'location'; chat: string; location: Location }
  | { type: 'contacts'; chat: string; contacts: ContactPayload[] }
  | { type: 'reaction'; target: MessageRecord; emoji: string }
  | { type: 'forward'; chat: string; target: MessageRecord }
  | { type: 'edit'; target: MessageRecord; text: string }
  | { type: 'delete'; target: MessageRecord; forEveryone: boolean };
