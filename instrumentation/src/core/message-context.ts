/**
 * Lets user code run in the context of one message of a batch.
 *
 * The adapters register each consumed message object with the context of its process span; the
 * public `runWithMessageContext(message, fn)` looks it up. A WeakMap keeps memory bounded by the
 * lifetime of the message objects themselves.
 */
import { context, type Context } from '@opentelemetry/api';

/**
 * One entry per consumed message holds everything the SDK remembers about it: its context here,
 * and the dead-letter helper's delivery facts (`dead-letter/delivery-facts.ts`). One WeakMap entry
 * instead of one per kind: every entry is an ephemeron the garbage collector has to trace.
 */
interface MessageRecord {
  context?: Context;
  facts?: unknown;
}

const records = new WeakMap<object, MessageRecord>();

function recordOf(message: object): MessageRecord {
  let record = records.get(message);
  if (!record) {
    record = {};
    records.set(message, record);
  }
  return record;
}

export function rememberMessageContext(message: unknown, ctx: Context): void {
  if (message && typeof message === 'object') recordOf(message).context = ctx;
}

export function messageContext(message: unknown): Context | undefined {
  return message && typeof message === 'object' ? records.get(message)?.context : undefined;
}

/** Stores another module's facts about a message next to its context (see `MessageRecord`). */
export function rememberMessageFacts(message: unknown, facts: unknown): void {
  if (message && typeof message === 'object') recordOf(message).facts = facts;
}

export function messageFacts(message: unknown): unknown {
  return message && typeof message === 'object' ? records.get(message)?.facts : undefined;
}

/**
 * Run `fn` with the process span of `message` active, so spans and messages it creates are
 * children of that message. Falls back to the current context for messages Causeway did not see.
 */
export function runWithMessageContext<T>(message: unknown, fn: () => T): T {
  const ctx = messageContext(message);
  return ctx ? context.with(ctx, fn) : fn();
}
