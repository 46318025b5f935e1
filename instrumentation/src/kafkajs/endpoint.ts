/**
 * Broker address and client id for `server.address`, `server.port` and `messaging.client.id`.
 *
 * kafkajs keeps its configuration private, but every producer and consumer emits a `REQUEST`
 * instrumentation event naming the broker and client id. Listening to the first one and then
 * unsubscribing costs one event per client, which is the "cheap" bar for these attributes.
 */
import { guard } from '../core/guard.js';
import type { EventSource } from './shapes.js';

export interface ClientEndpoint {
  serverAddress?: string;
  serverPort?: number;
  clientId?: string;
}

export function watchClientEndpoint(client: EventSource): ClientEndpoint {
  const endpoint: ClientEndpoint = {};
  guard('kafkajs endpoint watch', () => {
    const requestEvent = client.events && typeof client.events === 'object' ? (client.events as Record<string, unknown>).REQUEST : undefined;
    if (typeof client.on !== 'function' || typeof requestEvent !== 'string') return;
    let remove: unknown;
    let seen = false;
    remove = (client.on as (name: string, listener: (event: unknown) => void) => unknown).call(client, requestEvent, (event: unknown) => {
      if (seen) return;
      seen = true;
      guard('kafkajs endpoint parse', () => readRequestEvent(event, endpoint));
      if (typeof remove === 'function') guard('kafkajs endpoint unwatch', () => (remove as () => void)());
    });
  });
  return endpoint;
}

function readRequestEvent(event: unknown, endpoint: ClientEndpoint): void {
  const payload = event && typeof event === 'object' ? (event as { payload?: unknown }).payload : undefined;
  if (!payload || typeof payload !== 'object') return;
  const { broker, clientId } = payload as { broker?: unknown; clientId?: unknown };
  if (typeof clientId === 'string' && clientId.length > 0) endpoint.clientId = clientId;
  if (typeof broker !== 'string') return;
  const colon = broker.lastIndexOf(':');
  const host = colon > 0 ? broker.slice(0, colon) : broker;
  const port = colon > 0 ? Number(broker.slice(colon + 1)) : NaN;
  if (host.length > 0) endpoint.serverAddress = host.replace(/^\[(.*)\]$/, '$1');
  if (Number.isInteger(port) && port > 0) endpoint.serverPort = port;
}
