/**
 * Lets user code run in the context of one message of a batch.
 *
 * The adapters register each consumed message object with the context of its process span; the
 * public `runWithMessageContext(message, fn)` looks it up. A WeakMap keeps memory bounded by the
 * lifetime of the message objects themselves.
 */
import { context, type Context } from '@opentelemetry/api';

const contexts = new WeakMap<object, Context>();

export function rememberMessageContext(message: unknown, ctx: Context): void {
  if (message && typeof message === 'object') contexts.set(message, ctx);
}

export function messageContext(message: unknown): Context | undefined {
  return message && typeof message === 'object' ? contexts.get(message) : undefined;
}

/**
 * Run `fn` with the process span of `message` active, so spans and messages it creates are
 * children of that message. Falls back to the current context for messages Causeway did not see.
 */
export function runWithMessageContext<T>(message: unknown, fn: () => T): T {
  const ctx = messageContext(message);
  return ctx ? context.with(ctx, fn) : fn();
}
