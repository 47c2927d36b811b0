import QRCode from 'qrcode';

/** Turns a QR string into a PNG data URL for the link page. */
export type QrRenderer = (qr: string) => Promise<string>;

/** The link page's picture: a PNG of 320 px with a quiet zone of one module. */
export const renderQrPng: QrRenderer = (qr) => QRCode.toDataURL(qr, { margin: 1, width: 320 });

/**
 * One QR code a session shows, and its picture. Rendering costs milliseconds of CPU per code and
 * WhatsApp rotates codes every 20 s, so the picture is drawn only when a link page asks for it,
 * and at most once however many pages watch.
 */
export class ShownQr {
  private rendering: Promise<string> | undefined;
  private rendered: string | undefined;

  constructor(
    readonly qr: string,
    readonly expiresAt: number,
    private readonly render: QrRenderer,
  ) {}

  /** Resolves once the picture exists; the first caller starts drawing it. */
  ready(): Promise<string> {
    this.rendering ??= this.render(this.qr).then((image) => (this.rendered = image));
    return this.rendering;
  }

  /** The `qr` event's data; only after `ready()` resolved. */
  get data(): { qr: string; image: string; expiresAt: number } {
    if (this.rendered === undefined) throw new Error('the QR code is not rendered yet');
    return { qr: this.qr, image: this.rendered, expiresAt: this.expiresAt };
  }
}
