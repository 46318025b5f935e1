/** The service name zero-code registration uses when the app gives none. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const UNKNOWN_SERVICE_NAME = 'unknown_service:node';

/** `OTEL_SERVICE_NAME`, else the `name` in the working directory's package.json, else `unknown_service:node`. */
export function serviceNameFromEnvironment(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const fromEnv = env.OTEL_SERVICE_NAME?.trim();
  if (fromEnv) return fromEnv;
  try {
    const pkg: unknown = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8'));
    const name = pkg && typeof pkg === 'object' ? (pkg as { name?: unknown }).name : undefined;
    if (typeof name === 'string' && name.trim().length > 0) return name.trim();
  } catch {
    // No readable package.json: fall through to the OpenTelemetry default.
  }
  return UNKNOWN_SERVICE_NAME;
}
