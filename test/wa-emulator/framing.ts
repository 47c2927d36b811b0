/** WhatsApp's frames: a 3-byte big-endian length, then the payload. */
export function frame(payload: Uint8Array): Buffer {
  if (payload.length >= 1 << 24) throw new Error('frame too large');
  const out = Buffer.allocUnsafe(3 + payload.length);
  out[0] = payload.length >>> 16;
  out[1] = (payload.length >>> 8) & 0xff;
  out[2] = payload.length & 0xff;
  out.set(payload, 3);
  return out;
}

/** Collects bytes from the socket and yields whole frames, however the bytes were split. */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Uint8Array): Buffer[] {
    this.pending = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    const frames: Buffer[] = [];
    while (this.pending.length >= 3) {
      const size = (this.pending[0]! << 16) | (this.pending[1]! << 8) | this.pending[2]!;
      if (this.pending.length < 3 + size) break;
      frames.push(this.pending.subarray(3, 3 + size));
      this.pending = this.pending.subarray(3 + size);
    }
    return frames;
  }
}
