/**
 * Instrumentation code runs inside the host application's calls. Anything it does that can fail
 * goes through `guard` so a bug in Causeway degrades to "no telemetry", never to a broken app.
 */
import { diag } from '@opentelemetry/api';

export function guard<T>(what: string, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    diag.debug(`causeway: ${what} failed`, err);
    return undefined;
  }
}
