/**
 * Request validation for the query API: TypeBox schemas, compiled once per route, with answers a
 * person can act on. A failing parameter is reported with the `errorMessage` its schema carries
 * (e.g. "depth must be an integer between 1 and 50"), an unknown parameter by name.
 *
 * Query strings are converted strictly: only an integer-looking text becomes an integer, so
 * `depth=5.5` is refused instead of silently truncated (TypeBox's `Value.Convert` would truncate).
 */
import type { FastifyError, FastifyReply, FastifyRequest, FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';
import { errorHandler } from '../../error-handler.js';
import { InvalidParameterError } from '../../query/errors.js';

interface JsonSchemaLike {
  type?: string;
  properties?: Record<string, JsonSchemaLike>;
  errorMessage?: string;
}

interface SchemaIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message: string;
}

const INTEGER_TEXT = /^[+-]?\d{1,15}$/;
const NUMBER_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

export const apiValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const validator = Compile(schema);
  const shape = schema as JsonSchemaLike;
  return (input: unknown) => {
    const value = httpPart === 'body' ? input : Value.Default(schema, convertText(shape, input));
    if (validator.Check(value)) return { value };
    return { error: new InvalidParameterError(describe(shape, validator.Errors(value) as SchemaIssue[], httpPart ?? 'request')) };
  };
};

/** 400 with the validator's sentence for parameter errors; everything else goes to the app's handler. */
export function apiErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof InvalidParameterError) return reply.status(400).send({ error: 'bad request', message: error.message });
  return errorHandler(error, request, reply);
}

function convertText(schema: JsonSchemaLike, input: unknown): unknown {
  if (!input || typeof input !== 'object' || !schema.properties) return input;
  const out: Record<string, unknown> = { ...(input as Record<string, unknown>) };
  for (const [key, raw] of Object.entries(out)) {
    const type = schema.properties[key]?.type;
    if (typeof raw !== 'string') continue;
    if (type === 'integer' && INTEGER_TEXT.test(raw.trim())) out[key] = Number(raw);
    else if (type === 'number' && NUMBER_TEXT.test(raw.trim())) out[key] = Number(raw);
  }
  return out;
}

function describe(schema: JsonSchemaLike, issues: SchemaIssue[], part: string): string {
  const messages = new Set<string>();
  for (const issue of issues) {
    if (issue.keyword === 'additionalProperties') {
      const names = Array.isArray(issue.params.additionalProperties) ? issue.params.additionalProperties.join(', ') : '';
      const known = Object.keys(schema.properties ?? {}).join(', ');
      messages.add(`unknown ${part} parameter ${names}${known ? `; known: ${known}` : ''}`);
      continue;
    }
    if (issue.keyword === 'required') {
      const names = Array.isArray(issue.params.requiredProperties) ? issue.params.requiredProperties.join(', ') : 'a value';
      messages.add(`${names} is required`);
      continue;
    }
    const name = issue.instancePath.split('/')[1];
    const property = name === undefined ? undefined : schema.properties?.[name];
    // Issues under unknown properties repeat what the additionalProperties issue says.
    if (!name || !property) continue;
    messages.add(property.errorMessage ?? `${name} ${issue.message}`);
  }
  return messages.size > 0 ? [...messages].join('; ') : `invalid ${part}`;
}
