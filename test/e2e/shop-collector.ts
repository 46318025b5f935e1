/**
 * The collector running the demo shop, for the browser tests, and the API look-ups that pick what
 * the tests then look for in the UI (so the page is checked against the API's answers).
 */
import { vi } from 'vitest';
import { startCollectorProcess, type CollectorProcess } from '../support/collector-process.js';

/** `causeway start --demo`: the collector with the five-service demo shop running against it. */
export function startShopCollector(): Promise<CollectorProcess> {
  return startCollectorProcess(['--demo']);
}

interface LineageNode {
  id: string;
  type: string | null;
  service: string | null;
  destination: string | null;
}
interface Consumer {
  service: string;
}
export interface EventDetail {
  id: string;
  traceId: string | null;
  spanId: string | null;
  producer: { service: string } | null;
  consumers: Consumer[];
}

/** An order whose payment was authorized and consumed: the chain the browser tests follow. */
export interface OrderChain {
  order: LineageNode;
  payment: LineageNode;
  paymentDetail: EventDetail;
  /** Name of the span that published the payment event, as its trace lists it. */
  paymentSendSpanName: string;
}

/** GET a JSON answer of the collector; a non-2xx status throws with the body. */
export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export function getEventDetail(url: string, id: string): Promise<EventDetail> {
  return getJson<EventDetail>(`${url}/api/events/${encodeURIComponent(id)}`);
}

/**
 * Polls the API until an OrderPlaced event has a consumed PaymentAuthorized child. The oldest of
 * the newest 20 orders come first: their chains have settled, so what the page shows a moment
 * later is what the API answered now (the newest ones are still being consumed).
 */
export function findOrderChain(url: string, timeoutMs = 60_000): Promise<OrderChain> {
  return vi.waitFor(
    async () => {
      const { events } = await getJson<{ events: Array<{ id: string }> }>(`${url}/api/events?type=OrderPlaced&limit=20`);
      for (const { id } of [...events].reverse()) {
        const lineage = await getJson<{ nodes: Array<LineageNode & { distance: number }> }>(
          `${url}/api/events/${encodeURIComponent(id)}/lineage?direction=down&depth=1`,
        );
        const order = lineage.nodes.find((node) => node.distance === 0);
        const payment = lineage.nodes.find((node) => node.type === 'PaymentAuthorized');
        if (!order || !payment) continue;
        const paymentDetail = await getEventDetail(url, payment.id);
        if (paymentDetail.consumers.length === 0 || !paymentDetail.traceId) continue;
        const trace = await getJson<{ spans: Array<{ spanId: string; name: string }> }>(`${url}/api/traces/${paymentDetail.traceId}`);
        const sendSpan = trace.spans.find((span) => span.spanId === paymentDetail.spanId);
        if (sendSpan) return { order, payment, paymentDetail, paymentSendSpanName: sendSpan.name };
      }
      throw new Error(`no OrderPlaced event with a consumed PaymentAuthorized child yet (${events.length} orders seen)`);
    },
    { timeout: timeoutMs, interval: 500 },
  );
}
