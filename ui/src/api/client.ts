/**
 * Fetches from the collector's `/api` and validates the answer. Failures become an `ApiError`
 * whose message a person can act on: the collector's own 400/404 sentence, the HTTP status, or
 * which field of the answer did not match what this UI understands.
 */
import { z } from 'zod';
import { errorResponseSchema } from './schemas';

export type ApiErrorKind = 'http' | 'network' | 'invalid-response';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly kind: ApiErrorKind,
    /** HTTP status for `http` errors. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export async function fetchJson<S extends z.ZodType>(path: string, schema: S, signal?: AbortSignal): Promise<z.infer<S>> {
  let response: Response;
  try {
    response = await fetch(path, { headers: { accept: 'application/json' }, signal });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError(`Could not reach the collector (${(err as Error).message})`, 'network');
  }
  const body = await readJson(response);
  if (!response.ok) {
    const parsedError = errorResponseSchema.safeParse(body);
    const reason = parsedError.success ? (parsedError.data.message ?? parsedError.data.error) : response.statusText;
    throw new ApiError(`${reason || 'request failed'} (HTTP ${response.status})`, 'http', response.status);
  }
  if (body === undefined) throw new ApiError(`The collector answered ${path} with something that is not JSON`, 'invalid-response');
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ApiError(`Unexpected answer from ${path.split('?')[0]}: ${describeIssues(parsed.error)}`, 'invalid-response');
  }
  return parsed.data;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

/** Query string from the defined, non-empty values only. */
export function queryString(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
