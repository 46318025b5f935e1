/**
 * Payload capture through the custom adapter (the same code path the Kafka and RabbitMQ adapters
 * use): off by default with nothing recorded, redaction before the attribute is set, caps, binary.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { context, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createMessagingInstrumentation } from '../custom/index.js';
import { payloadCaptureFromEnvironment } from './payload.js';

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
beforeEach(() => exporter.reset());

const SECRET = 's3cr3t-value-9f2';
const body = JSON.stringify({ order: { id: 7, customer: { email: SECRET, name: 'Ada' }, payment: [{ card_number: SECRET }] }, password: SECRET, note: 'ok' });
const headers = { authorization: `Bearer ${SECRET}`, 'x-api-key': SECRET, 'X-Session-Token': SECRET, 'causeway-event-type': 'OrderPlaced' };

async function roundTrip(capturePayload: Parameters<typeof createMessagingInstrumentation>[0]['capturePayload'], message: { headers: Record<string, unknown>; body: unknown } = { headers, body }) {
  const messaging = createMessagingInstrumentation({ system: 'nats', tracerProvider: provider, capturePayload });
  const sent = messaging.publish('orders', message, (publish) => publish);
  await messaging.process({ destination: 'orders', group: 'billing', headers: { ...message.headers, ...sent.headers }, body: message.body }, () => undefined);
  return exporter.getFinishedSpans();
}

describe('payload capture', () => {
  it('is off by default: no payload or headers attribute on any span', async () => {
    for (const span of await roundTrip(undefined)) {
      expect(Object.keys(span.attributes).filter((key) => key.startsWith('causeway.message.payload') || key === 'causeway.message.headers')).toEqual([]);
      expect(JSON.stringify(span.attributes)).not.toContain(SECRET);
    }
  });

  it('when on, records redacted JSON bodies and headers on send and process spans, and the secret is nowhere', async () => {
    const spans = await roundTrip(true);
    expect(spans.map((span) => span.name).sort()).toEqual(['process orders', 'send orders']);
    for (const span of spans) {
      expect(JSON.stringify({ attributes: span.attributes, events: span.events, name: span.name })).not.toContain(SECRET);
      const payload = JSON.parse(String(span.attributes['causeway.message.payload']));
      expect(payload).toEqual({ order: { id: 7, customer: { email: '[REDACTED]', name: 'Ada' }, payment: [{ card_number: '[REDACTED]' }] }, password: '[REDACTED]', note: 'ok' });
      expect(span.attributes['causeway.message.payload.truncated']).toBe(false);
      const recordedHeaders = JSON.parse(String(span.attributes['causeway.message.headers']));
      expect(recordedHeaders).toMatchObject({ authorization: '[REDACTED]', 'x-api-key': '[REDACTED]', 'X-Session-Token': '[REDACTED]', 'causeway-event-type': 'OrderPlaced' });
    }
  });

  it('caps the body at maxBytes, keeps valid UTF-8 text, leaves binary out saying why', async () => {
    const long = await roundTrip({ maxBytes: 10 }, { headers: {}, body: 'ééééééééééé plain text' });
    expect(long[0]!.attributes['causeway.message.payload']).toBe('ééééé');
    expect(long[0]!.attributes['causeway.message.payload.truncated']).toBe(true);
    exporter.reset();
    const binary = await roundTrip(true, { headers: {}, body: Buffer.from([0x00, 0x01, 0xff, 0xfe]) as never });
    for (const span of binary) {
      expect(span.attributes['causeway.message.payload']).toBeUndefined();
      expect(span.attributes['causeway.message.payload.omitted_reason']).toBe('binary');
    }
    exporter.reset();
    const broken = await roundTrip(true, { headers: {}, body: `{"password":"${SECRET}"` });
    expect(JSON.stringify(broken.map((span) => span.attributes))).not.toContain(SECRET);
    expect(broken[0]!.attributes['causeway.message.payload.omitted_reason']).toBe('unparseable_json');
  });

  it('uses the given patterns instead of the defaults (strings with *, and regular expressions)', async () => {
    const spans = await roundTrip({ redactHeaders: [/^x-api/i], redactJsonKeys: ['cust*'] });
    const payload = JSON.parse(String(spans[0]!.attributes['causeway.message.payload']));
    expect(payload.order.customer).toBe('[REDACTED]');
    expect(payload.password).toBe(SECRET);
    const recordedHeaders = JSON.parse(String(spans[0]!.attributes['causeway.message.headers']));
    expect(recordedHeaders['x-api-key']).toBe('[REDACTED]');
    expect(recordedHeaders.authorization).toBe(`Bearer ${SECRET}`);
  });

  it('reads CAUSEWAY_CAPTURE_PAYLOAD for zero-code setups', () => {
    expect(payloadCaptureFromEnvironment({ CAUSEWAY_CAPTURE_PAYLOAD: '1' })).toBe(true);
    expect(payloadCaptureFromEnvironment({ CAUSEWAY_CAPTURE_PAYLOAD: 'true' })).toBe(true);
    expect(payloadCaptureFromEnvironment({ CAUSEWAY_CAPTURE_PAYLOAD: '0' })).toBe(false);
    expect(payloadCaptureFromEnvironment({})).toBe(false);
  });
});
