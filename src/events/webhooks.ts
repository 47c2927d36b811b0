import { z } from 'zod';
import type { AddressPolicy } from '../attachments/address-policy.js';
import { parseAttachmentUrl, redactUrl, resolveAllowedAddresses, type HostLookup } from '../attachments/resolve-target.js';
import type { Clock } from '../domain/clock.js';
import { ConnectorError, toConnectorError } from '../domain/errors.js';
import { encrypt, newId } from '../service/secrets.js';
import type { DeliveryRow, EventRepository, WebhookRow } from '../store/events.js';
import type { EventLog } from './event-log.js';
import type { ConnectorEventType } from './schemas.js';
import { isWebhookSecret, newWebhookSecret } from './signature.js';

export interface NewWebhook {
  url: string;
  /** Only this session's events; without it, every session's (the global default). */
  sessionId?: string;
  /** `whsec_…`; generated when omitted. */
  secret?: string;
  /** Event types to deliver; all when omitted. */
  events?: ConnectorEventType[];
}

/** A webhook as the admin API shows it (never its secret). */
export const webhookSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    sessionId: z.string().nullable().describe('null: every session’s events'),
    events: z.array(z.string()).describe('Event types it receives; ["*"] for all'),
    createdAt: z.string(),
  })
  .meta({ id: 'Webhook' });

/** One event's delivery to one webhook, as the deliveries view shows it. */
export const deliverySchema = z
  .object({
    id: z.string(),
    eventId: z.string().describe('The webhook-id header of every attempt'),
    eventType: z.string(),
    chat: z.string().nullable(),
    state: z.enum(['pending', 'delivered', 'failed']).describe('failed: given up after the retry period'),
    attempts: z.number().int(),
    lastStatus: z.number().int().nullable().describe('The endpoint’s last HTTP status; null when it did not answer'),
    lastError: z.string().nullable(),
    nextAttemptAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'WebhookDelivery' });

export type WebhookView = z.infer<typeof webhookSchema>;
export type DeliveryView = z.infer<typeof deliverySchema>;

/**
 * Webhooks as the admin API manages them. A URL passes the attachments' address policy when it is
 * added (and again at every delivery, which connects only to the addresses it checked then); the
 * secret is kept sealed with the service's key and shown once, when the webhook is made.
 *
 * @example const { webhook, secret } = await webhooks.add({ url: 'https://crm.example.com/wa', events: ['message.received'] });
 */
export class WebhookService {
  constructor(
    private readonly events: EventRepository,
    private readonly log: Pick<EventLog, 'webhooksChanged'>,
    private readonly options: { clock: Pick<Clock, 'now'>; secretKey: Buffer; policy: AddressPolicy; lookup: HostLookup; sessionExists: (id: string) => Promise<boolean> },
  ) {}

  async add(input: NewWebhook): Promise<{ webhook: WebhookView; secret: string }> {
    if (input.secret !== undefined && !isWebhookSecret(input.secret)) {
      throw new ConnectorError('VALIDATION_ERROR', 'A webhook secret is "whsec_" followed by 24 to 64 bytes in base64', { field: 'secret' });
    }
    if (input.sessionId !== undefined && !(await this.options.sessionExists(input.sessionId))) {
      throw new ConnectorError('SESSION_NOT_FOUND', `No session ${input.sessionId}`, { sessionId: input.sessionId });
    }
    const url = await this.checkedUrl(input.url);
    const secret = input.secret ?? newWebhookSecret();
    const row: WebhookRow = {
      id: newId('whk'),
      sessionId: input.sessionId ?? null,
      url: url.href,
      sealedSecret: encrypt(this.options.secretKey, secret),
      events: input.events && input.events.length > 0 ? [...new Set(input.events)] : ['*'],
      createdAt: this.options.clock.now(),
    };
    await this.events.addWebhook(row);
    this.log.webhooksChanged();
    return { webhook: viewOf(row), secret };
  }

  async list(): Promise<WebhookView[]> {
    return (await this.events.webhooks()).map(viewOf);
  }

  async get(id: string): Promise<WebhookView> {
    return viewOf(await this.row(id));
  }

  async remove(id: string): Promise<void> {
    if (!(await this.events.removeWebhook(id))) throw notFound(id);
    this.log.webhooksChanged();
  }

  async deliveries(id: string, limit: number): Promise<DeliveryView[]> {
    await this.row(id);
    return Promise.all((await this.events.deliveries(id, limit)).map((delivery) => this.deliveryView(delivery)));
  }

  async replay(id: string, deliveryId: string): Promise<DeliveryView> {
    await this.row(id);
    const replayed = await this.events.replay(id, deliveryId);
    if (!replayed) throw new ConnectorError('NOT_FOUND', `Webhook ${id} has no delivery ${deliveryId}`, { id, deliveryId });
    return this.deliveryView(replayed);
  }

  private async row(id: string): Promise<WebhookRow> {
    const row = await this.events.webhook(id);
    if (!row) throw notFound(id);
    return row;
  }

  private async deliveryView(delivery: DeliveryRow): Promise<DeliveryView> {
    const stored = await this.events.event(delivery.eventSeq);
    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      id: delivery.id,
      eventId: stored?.event.id ?? '',
      eventType: stored?.event.type ?? '',
      chat: delivery.chat === '' ? null : delivery.chat,
      state: delivery.state,
      attempts: delivery.attempts,
      lastStatus: delivery.lastStatus ?? null,
      lastError: delivery.lastError ?? null,
      nextAttemptAt: delivery.state === 'pending' ? iso(delivery.nextAttemptAt) : null,
      createdAt: iso(delivery.createdAt),
      updatedAt: iso(delivery.updatedAt),
    };
  }

  /** An http(s) URL whose host passes the address policy, or WEBHOOK_URL_FORBIDDEN. */
  private async checkedUrl(input: string): Promise<URL> {
    try {
      const url = parseAttachmentUrl(input);
      await resolveAllowedAddresses(url, this.options.policy, this.options.lookup);
      return url;
    } catch (error) {
      const refused = toConnectorError(error);
      if (refused.code === 'ATTACHMENT_FETCH_FAILED') throw new ConnectorError('VALIDATION_ERROR', `The webhook URL's host cannot be resolved: ${refused.message}`, { field: 'url' });
      if (refused.code !== 'ATTACHMENT_URL_FORBIDDEN') throw refused;
      const detail = refused.message.replace('which attachments may not be fetched from', 'where webhooks may not be sent').replace('attachments are fetched', 'webhooks are sent');
      throw new ConnectorError('WEBHOOK_URL_FORBIDDEN', detail, { ...refused.details, url: redactUrl(new URL(input)) });
    }
  }
}

function viewOf(row: WebhookRow): WebhookView {
  return { id: row.id, url: row.url, sessionId: row.sessionId, events: row.events, createdAt: new Date(row.createdAt).toISOString() };
}

function notFound(id: string): ConnectorError {
  return new ConnectorError('WEBHOOK_NOT_FOUND', `No webhook ${id}`, { id });
}
