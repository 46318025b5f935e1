/**
 * The one patch implementation behind both `instrumentKafkaJs` and `CausewayKafkaJsInstrumentation`.
 *
 * kafkajs builds producers and consumers as plain objects of closures (no shared prototype), so the
 * entry points are the client's `producer()` / `consumer()` factories: the wrapped factory patches
 * each object it returns. The explicit wrapper installs the factories on one client instance; the
 * zero-code instrumentation installs them on the client class's prototype.
 */
import { guard } from '../core/guard.js';
import { watchClientEndpoint, type ClientEndpoint } from './endpoint.js';
import { isPromiseLike, traceSend } from './producer.js';
import { traceRun } from './consumer.js';
import { RecentFailures } from '../dead-letter/delivery-facts.js';
import type { KafkaPatchState } from './patch-state.js';
import type { AnyFunction } from './shapes.js';

/** Set on producers, consumers and transactions already patched, so no layer wraps them twice. */
const PATCHED = Symbol.for('causeway.kafkajs.patched');
/** Set on a client instance by `instrumentKafkaJs`: its options win over the zero-code instrumentation's. */
export const EXPLICIT_STATE = Symbol.for('causeway.kafkajs.explicit-state');

/** Resolves which state (if any) should patch what a given client creates. */
export type StateForClient = (client: unknown) => KafkaPatchState | undefined;

export function wrapProducerFactory(original: AnyFunction, stateFor: StateForClient): AnyFunction {
  return function producer(this: unknown, ...args: unknown[]) {
    const created: unknown = original.apply(this, args);
    const state = guard('kafkajs state lookup', () => stateFor(this));
    if (state) guard('kafkajs producer instrumentation', () => patchProducer(created, state));
    return created;
  };
}

export function wrapConsumerFactory(original: AnyFunction, stateFor: StateForClient): AnyFunction {
  return function consumer(this: unknown, ...args: unknown[]) {
    const created: unknown = original.apply(this, args);
    const state = guard('kafkajs state lookup', () => stateFor(this));
    if (state) guard('kafkajs consumer instrumentation', () => patchConsumer(created, state, groupIdOf(args[0])));
    return created;
  };
}

function patchProducer(producer: unknown, state: KafkaPatchState): void {
  if (!claim(producer)) return;
  const target = producer as Record<string, unknown>;
  const endpoint = watchClientEndpoint(target);
  replaceMethod(target, 'send', (send) => traceSend(send, state, endpoint, 'record'));
  replaceMethod(target, 'sendBatch', (sendBatch) => traceSend(sendBatch, state, endpoint, 'batch'));
  replaceMethod(target, 'transaction', (transaction) => traceTransaction(transaction, state, endpoint));
}

/** `producer.transaction()` resolves to an object with its own `send`/`sendBatch`; patch those too. */
function traceTransaction(original: AnyFunction, state: KafkaPatchState, endpoint: ClientEndpoint): AnyFunction {
  return function tracedTransaction(this: unknown, ...args: unknown[]) {
    const pending: unknown = original.apply(this, args);
    if (!isPromiseLike(pending)) return pending;
    return pending.then((txn) => {
      guard('kafkajs transaction instrumentation', () => {
        if (!claim(txn)) return;
        const target = txn as Record<string, unknown>;
        replaceMethod(target, 'send', (send) => traceSend(send, state, endpoint, 'record'));
        replaceMethod(target, 'sendBatch', (sendBatch) => traceSend(sendBatch, state, endpoint, 'batch'));
      });
      return txn;
    });
  };
}

function patchConsumer(consumer: unknown, state: KafkaPatchState, groupId: string | undefined): void {
  if (!claim(consumer)) return;
  const target = consumer as Record<string, unknown>;
  const endpoint = watchClientEndpoint(target);
  replaceMethod(target, 'run', (run) => traceRun(run, state, { endpoint, groupId, failures: new RecentFailures() }));
}

function groupIdOf(config: unknown): string | undefined {
  const groupId = config && typeof config === 'object' ? (config as { groupId?: unknown }).groupId : undefined;
  return typeof groupId === 'string' ? groupId : undefined;
}

/** Marks `target` as ours; false when it is not patchable or already patched. */
function claim(target: unknown): boolean {
  if (!target || typeof target !== 'object' || Object.prototype.hasOwnProperty.call(target, PATCHED)) return false;
  Object.defineProperty(target, PATCHED, { value: true, enumerable: false });
  return true;
}

function replaceMethod(target: Record<string, unknown>, name: string, wrap: (original: AnyFunction) => AnyFunction): void {
  const original = target[name];
  if (typeof original === 'function') target[name] = wrap(original as AnyFunction);
}
