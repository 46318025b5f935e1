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
  const body = await request(path, { method: 'GET' }, signal);
  return parseAnswer(path, body, schema);
}

/**
 * POST a JSON body and validate the answer (e.g. the created resource). `headers` adds request
 * headers such as `authorization` for admin actions; they never go into the URL.
 */
export async function postJson<S extends z.ZodType>(
  path: string,
  payload: unknown,
  schema: S,
  signal?: AbortSignal,
  headers: Record<string, string> = {},
): Promise<z.infer<S>> {
  const body = await request(path, { method: 'POST', body: JSON.stringify(payload), headers: { ...headers, 'content-type': 'application/json' } }, signal);
  return parseAnswer(path, body, schema);
}

/** DELETE a resource; a 2xx answer (usually 204, no body) is success. */
export async function deleteResource(path: string, signal?: AbortSignal): Promise<void> {
  await request(path, { method: 'DELETE' }, signal);
}

/** Sends the request and returns the parsed JSON body of a 2xx answer (undefined when empty or not JSON). */
async function request(path: string, init: RequestInit, signal: AbortSignal | undefined): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers: { accept: 'application/json', ...(init.headers as Record<string, string> | undefined) }, signal });
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
  return body;
}

function parseAnswer<S extends z.ZodType>(path: string, body: unknown, schema: S): z.infer<S> {
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
