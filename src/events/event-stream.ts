/**
 * `GET /v1/events` as Server-Sent Events, read from the outbox: each event is sent with its id,
 * so a client that reconnects with `Last-Event-ID` gets exactly the events after that one (as
 * long as the outbox still holds it), then new ones as they are appended.
 */
import type { Request, Response } from 'express';
import type { EventFilter } from './event-outbox.js';
import type { EventHub } from './event-hub.js';

const BATCH = 500;
const HEARTBEAT_MS = 15_000;

/** Streams the events after `afterSeq` that pass `filter` until the client goes away or the server stops. */
export function streamEvents(hub: EventHub, request: Request, response: Response, afterSeq: number, filter: EventFilter): void {
  response.status(200);
  response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  response.setHeader('Cache-Control', 'no-cache, no-transform');
  response.setHeader('Connection', 'keep-alive');
  // Reverse proxies (nginx) would otherwise hold events back in their buffer.
  response.setHeader('X-Accel-Buffering', 'no');
  response.flushHeaders();
  response.write(': imbridge events\n\n');

  let cursor = afterSeq;
  let ended = false;
  const flush = () => {
    if (ended) return;
    for (;;) {
      const batch = hub.outbox.eventsAfter(cursor, filter, BATCH);
      for (const { seq, event } of batch) {
        response.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
        cursor = seq;
      }
      if (batch.length < BATCH) break;
    }
  };
  const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    unsubscribe();
    removeCloser();
    response.end();
  };
  const unsubscribe = hub.subscribe(flush);
  const removeCloser = hub.onClose(end);
  request.on('close', end);
  flush();
}
