/**
 * Error fingerprints: failures that differ only in ids, numbers, timestamps or quoted values get
 * the same fingerprint, so a thousand dead letters caused by one bug group as one hotspot. The SDK
 * stamps it on failed spans and dead-letter copies; the collector computes it the same way for spans
 * from other instrumentations.
 */
import { createHash } from 'node:crypto';

const RULES: Array<[RegExp, string | ((match: string) => string)]> = [
  // Order matters: the broad number rule would otherwise eat parts of uuids and timestamps.
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<time>'],
  [/\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g, '<email>'],
  [/\b(?:0x)?[0-9a-f]*\d[0-9a-f]*[a-f][0-9a-f]*\b|\b(?:0x)?[0-9a-f]*[a-f][0-9a-f]*\d[0-9a-f]*\b/gi, (match) => (match.length >= 8 ? '<hex>' : match)],
  [/"[^"]{0,200}"|'[^']{0,200}'/g, '<str>'],
  // Numbers glued to units ("30s", "5ms") count too: the unit stays, the value goes.
  [/-?\b\d+(?:\.\d+)?(?!\d)/g, '<n>'],
];

/** The message with ids, numbers, uuids, timestamps, emails and quoted values replaced by placeholders. */
export function normaliseErrorMessage(message: string): string {
  let text = message.length > 2000 ? message.slice(0, 2000) : message;
  for (const [pattern, replacement] of RULES) {
    text = typeof replacement === 'string' ? text.replace(pattern, replacement) : text.replace(pattern, replacement);
  }
  return text.replace(/\s+/g, ' ').trim();
}

/** 16 hex characters identifying (error type, normalised message). */
export function errorFingerprint(errorType: string | undefined, message: string | undefined): string {
  const basis = `${errorType ?? ''}\n${normaliseErrorMessage(message ?? '')}`;
  return createHash('sha256').update(basis).digest('hex').slice(0, 16);
}
