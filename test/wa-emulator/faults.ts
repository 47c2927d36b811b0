/** When a socket drop is armed against the next outgoing message. */
export type DropPoint = 'before-delivery' | 'after-delivery';

/** Failures a test can switch on; the emulator consults them as it answers. */
export class Faults {
  /** QR refs offered to a client that is not linked, one QR code each (WhatsApp offers 6); fewer run out sooner. */
  qrRefs = 6;
  /** Acks for outgoing messages are sent this much later. */
  ackDelayMs = 0;
  /** Outgoing messages are received and delivered but never acknowledged. */
  withholdAcks = false;
  /** Every login's socket is dropped before an answer, as when the network is down. */
  dropLogins = false;
  /** Numbers that have an account but that usync reports as not on WhatsApp. */
  readonly refusedNumbers = new Set<string>();
  private armedDrop: DropPoint | undefined;

  /**
   * Drops the sender's socket when its next `message` stanza arrives: before any recipient gets
   * it, or after recipients decrypted it but before the server's ack.
   */
  dropOnNextMessage(point: DropPoint): void {
    this.armedDrop = point;
  }

  /** Consumes the armed drop if it is for `point`. */
  takeDrop(point: DropPoint): boolean {
    if (this.armedDrop !== point) return false;
    this.armedDrop = undefined;
    return true;
  }
}
