import type { EngineEvent } from '../../../engines/engine.js';
import type { ReplyWaits } from './reply-waits.js';

/** Where replies come from: an engine in the same process (or anything that reports its events so). */
export interface ReplySource {
  subscribe(listener: (event: EngineEvent) => void): () => void;
}

/**
 * Hands every message a client writes to the processes waiting for it. Returns the function that
 * stops it.
 *
 * @example const stop = feedReplies(engine, waits);
 */
export function feedReplies(source: ReplySource, waits: ReplyWaits): () => void {
  return source.subscribe((event) => {
    if (event.type === 'message' && !isChange(event.message.content.kind)) waits.deliver(event.sessionId, event.message);
  });
}

/** A reaction, an edit or a deletion changes an earlier message; it is no reply. */
function isChange(kind: string): boolean {
  return kind === 'reaction' || kind === 'edit' || kind === 'revoke';
}
