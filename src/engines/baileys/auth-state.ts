import { BufferJSON, initAuthCreds, proto, type AuthenticationCreds, type AuthenticationState, type SignalDataSet, type SignalDataTypeMap } from 'baileys';
import type { CredentialStore } from '../engine.js';

/** The entry holding the device's own credentials; every Signal key is `<type>/<id>`. */
const credsEntry = 'creds';

export interface StoredAuthState {
  state: AuthenticationState;
  /** Writes the credentials after Baileys changed them (`creds.update`). */
  saveCreds(): Promise<void>;
  /** True once a phone has linked this device: a start then reconnects without a scan. */
  isLinked(): boolean;
}

/**
 * A linked device's credentials and Signal keys as Baileys wants them, kept in the service's
 * encrypted credential store. Everything is read once at start and held in memory; each change
 * Baileys makes (one `keys.set` call, or the credentials) is written as one atomic batch, so a
 * crash never leaves half of a key set behind.
 *
 * @example const auth = await loadAuthState(credentials, 'ses_1'); makeWASocket({ auth: auth.state });
 */
export async function loadAuthState(credentials: CredentialStore, sessionId: string): Promise<StoredAuthState> {
  const saved = await credentials.load(sessionId);
  const keys = new Map<string, unknown>();
  for (const [name, text] of Object.entries(saved)) {
    if (name !== credsEntry) keys.set(name, decode(text));
  }
  const creds = saved[credsEntry] === undefined ? initAuthCreds() : (decode(saved[credsEntry]) as AuthenticationCreds);

  const state: AuthenticationState = {
    creds,
    keys: {
      get: <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
        const found: { [id: string]: SignalDataTypeMap[T] } = {};
        for (const id of ids) {
          let value = keys.get(`${type}/${id}`);
          if (value === undefined) continue;
          // Baileys reads this one as a protobuf object, not plain JSON.
          if (type === 'app-state-sync-key') value = proto.Message.AppStateSyncKeyData.fromObject(value as object);
          found[id] = value as SignalDataTypeMap[T];
        }
        return found;
      },
      set: async (data: SignalDataSet) => {
        const entries: Record<string, string | null> = {};
        const values = new Map<string, unknown>();
        for (const [type, ofType] of Object.entries(data)) {
          for (const [id, value] of Object.entries(ofType ?? {})) {
            entries[`${type}/${id}`] = value ? encode(value) : null;
            values.set(`${type}/${id}`, value || undefined);
          }
        }
        await credentials.save(sessionId, entries);
        // Memory follows the store only once the batch is durable, so both always agree.
        for (const [name, value] of values) {
          if (value === undefined) keys.delete(name);
          else keys.set(name, value);
        }
      },
    },
  };

  return {
    state,
    saveCreds: () => credentials.save(sessionId, { [credsEntry]: encode(state.creds) }),
    isLinked: () => state.creds.me?.id !== undefined && state.creds.account !== undefined,
  };
}

function encode(value: unknown): string {
  return JSON.stringify(value, BufferJSON.replacer);
}

function decode(text: string): unknown {
  return JSON.parse(text, BufferJSON.reviver) as unknown;
}
