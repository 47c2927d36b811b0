import { displayChat } from '../../domain/chat.js';
import { ConnectorError } from '../../domain/errors.js';
import { normalizePairingCode, pairingCode, qrString, type DeviceKeys } from './ids.js';

/** A session asking to be linked: an engine's side of a QR code or pairing code. */
export interface LinkRequest {
  readonly sessionId: string;
  /** Called once, when a phone scans the QR or enters the code. */
  linked(jid: string): void;
}

/** A session linked to an account, until the phone removes it or the session logs out. */
export interface LinkedDevice {
  readonly sessionId: string;
  readonly jid: string;
  /** The phone removed the device. */
  removed(reason: string): void;
}

/**
 * The network's side of linking devices, as WhatsApp's servers do it: it issues the QR refs,
 * knows which QR is current, matches pairing codes, and keeps the list of linked devices.
 */
export class LinkDesk {
  private refs = 0;
  private readonly shown = new Map<string, LinkRequest>();
  private readonly qrOf = new Map<LinkRequest, string>();
  private readonly retired = new Set<string>();
  private readonly codes = new Map<string, { request: LinkRequest; jid: string }>();
  private readonly codeOf = new Map<LinkRequest, string>();
  private readonly devices = new Set<LinkedDevice>();

  /** A fresh QR for `request`; its previous one expires. */
  showQr(request: LinkRequest, keys: DeviceKeys): string {
    this.retireQr(request);
    this.refs += 1;
    const qr = qrString(this.refs, keys);
    this.shown.set(qr, request);
    this.qrOf.set(request, qr);
    return qr;
  }

  /** A pairing code for `request` that only the phone `jid` may enter; replaces an earlier one. */
  offerPairingCode(request: LinkRequest, jid: string): string {
    this.retireCode(request);
    let code = pairingCode();
    while (this.codes.has(code)) code = pairingCode();
    this.codes.set(code, { request, jid });
    this.codeOf.set(request, code);
    return code;
  }

  /** The request stops linking (linked, stopped or timed out): its QR and code stop working. */
  withdraw(request: LinkRequest): void {
    this.retireQr(request);
    this.retireCode(request);
  }

  /** The phone `jid` scanned `qr`. Returns the session it linked. */
  scan(qr: string, jid: string): string {
    const shown = qr.trim();
    const request = this.shown.get(shown);
    if (!request) {
      throw new ConnectorError(
        'VALIDATION_ERROR',
        this.retired.has(shown) ? 'QR code expired' : 'Not a WhatsApp linking QR code of this network',
        { expired: this.retired.has(shown) },
      );
    }
    this.withdraw(request);
    request.linked(jid);
    return request.sessionId;
  }

  /** The phone `jid` typed a pairing code. Returns the session it linked. */
  enterPairingCode(code: string, jid: string): string {
    const offer = this.codes.get(normalizePairingCode(code));
    if (!offer) throw new ConnectorError('VALIDATION_ERROR', 'Pairing code is not valid or has expired');
    if (offer.jid !== jid) {
      throw new ConnectorError('VALIDATION_ERROR', `This pairing code was requested for ${displayChat(offer.jid)}, not ${displayChat(jid)}`);
    }
    this.withdraw(offer.request);
    offer.request.linked(jid);
    return offer.request.sessionId;
  }

  attach(device: LinkedDevice): void {
    this.devices.add(device);
  }

  /** The session unlinked itself; nobody is told. */
  detach(device: LinkedDevice): void {
    this.devices.delete(device);
  }

  linkedDevices(): readonly LinkedDevice[] {
    return [...this.devices];
  }

  /** The phone removes devices matching `which`; each is told. Returns how many. */
  remove(which: (device: LinkedDevice) => boolean, reason: string): number {
    const removed = [...this.devices].filter(which);
    for (const device of removed) {
      this.devices.delete(device);
      device.removed(reason);
    }
    return removed.length;
  }

  private retireQr(request: LinkRequest): void {
    const qr = this.qrOf.get(request);
    if (qr === undefined) return;
    this.shown.delete(qr);
    this.qrOf.delete(request);
    this.retired.add(qr);
  }

  private retireCode(request: LinkRequest): void {
    const code = this.codeOf.get(request);
    if (code === undefined) return;
    this.codes.delete(code);
    this.codeOf.delete(request);
  }
}
