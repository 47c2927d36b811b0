export { EventLog, type EventListener } from './event-log.js';
export { EngineEventMapper, type EventDraft } from './from-engine.js';
export { connectorEventSchema, connectorEventTypes, type ConnectorEvent, type ConnectorEventType } from './schemas.js';
export { newWebhookSecret, signedHeaders } from './signature.js';
export { WebhookService, type DeliveryView, type NewWebhook, type WebhookView } from './webhooks.js';
export { defaultRetrySchedule, WebhookWorker, type RetrySchedule } from './webhook-worker.js';
