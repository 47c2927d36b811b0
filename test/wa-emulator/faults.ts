/** Failures a test can switch on; the emulator consults them as it answers. */
export class Faults {
  /** Acks for outgoing messages are sent this much later. */
  ackDelayMs = 0;
  /** Outgoing messages are received and delivered but never acknowledged. */
  withholdAcks = false;
}
