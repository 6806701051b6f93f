/** The event kit: one vocabulary, a durable outbox, signed webhooks, the SSE stream, metrics. */
export { EventHub, DEFAULT_RETENTION_MS, type EventHubOptions } from './event-hub.js';
export { EventOutbox, type DeadDelivery, type EventFilter, type StoredEvent } from './event-outbox.js';
export { DEFAULT_DELIVERY_POLICY, WebhookDispatcher, webhookBody, type DeliveryPolicy, type WebhookTarget } from './webhook-dispatcher.js';
export { streamEvents } from './event-stream.js';
export { EchoFilter } from './echo-filter.js';
export { eventFromRecord, newEventId, orderKeyOf, usersOf, type EventSource, type ImbridgeEvent, type IngestedChange } from './imbridge-event.js';
export { createEventHub } from './create-event-hub.js';
