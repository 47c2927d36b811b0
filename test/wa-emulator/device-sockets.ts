/** How long, in one device's life on the emulator, two or more of its logged-in sockets were open at once. */
export interface DeviceOverlap {
  /** The device's JID, e.g. `79001112233:1@s.whatsapp.net`. */
  device: string;
  /** Its sockets that completed login and are not closed yet. */
  open: number;
  /** Periods during which two or more of them were open at once (one period however many joined it). */
  overlaps: number;
  /** The total length of those periods, the one still running included. */
  overlapMs: number;
}

interface Device<S> {
  open: S[];
  overlaps: number;
  /** The length of the periods that ended. */
  endedMs: number;
  /** When the running period began, while two or more are open. */
  since: number | undefined;
}

/**
 * Every device's sockets from login success until their TCP close: who is live now, and the
 * overlap a cluster must never cause (WhatsApp itself closes the older socket, but only after the
 * newer one logged in, so even a clean takeover overlaps for a moment).
 *
 * @example
 * const sockets = new DeviceSockets<Connection>();
 * const earlier = sockets.loggedIn('79001112233:1@s.whatsapp.net', connection); // still open: replace them
 * sockets.closed(connection);
 * sockets.overlapOf('79001112233:1@s.whatsapp.net'); // { device, open: 0, overlaps: 1, overlapMs: 4.2 }
 */
export class DeviceSockets<S extends object> {
  private readonly devices = new Map<string, Device<S>>();
  private readonly deviceOf = new WeakMap<S, string>();

  /** `now` is monotonic by default: a wall clock set back would shorten an overlap. */
  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Counts `socket` as live for `device` from now; answers the device's sockets that were open before it. */
  loggedIn(device: string, socket: S): S[] {
    if (this.deviceOf.has(socket)) throw new Error(`a socket logs in once (${device})`);
    const entry = this.entry(device);
    const earlier = [...entry.open];
    entry.open.push(socket);
    this.deviceOf.set(socket, device);
    if (entry.open.length === 2) {
      entry.overlaps += 1;
      entry.since = this.now();
    }
    return earlier;
  }

  /** The socket's TCP connection closed; a socket that never logged in is ignored. */
  closed(socket: S): void {
    const device = this.deviceOf.get(socket);
    const entry = device === undefined ? undefined : this.devices.get(device);
    if (!entry || !entry.open.includes(socket)) return;
    entry.open = entry.open.filter((open) => open !== socket);
    if (entry.open.length < 2 && entry.since !== undefined) {
      entry.endedMs += this.now() - entry.since;
      entry.since = undefined;
    }
  }

  /** The device's live sockets, oldest first. */
  live(device: string): readonly S[] {
    return this.devices.get(device)?.open ?? [];
  }

  /** The device's overlap so far; a device that never logged in has none. */
  overlapOf(device: string): DeviceOverlap {
    const entry = this.devices.get(device);
    if (!entry) return { device, open: 0, overlaps: 0, overlapMs: 0 };
    const running = entry.since === undefined ? 0 : this.now() - entry.since;
    return { device, open: entry.open.length, overlaps: entry.overlaps, overlapMs: entry.endedMs + running };
  }

  /** Every device that ever logged in, in the order of their first login. */
  all(): DeviceOverlap[] {
    return [...this.devices.keys()].map((device) => this.overlapOf(device));
  }

  private entry(device: string): Device<S> {
    let entry = this.devices.get(device);
    if (!entry) {
      entry = { open: [], overlaps: 0, endedMs: 0, since: undefined };
      this.devices.set(device, entry);
    }
    return entry;
  }
}
