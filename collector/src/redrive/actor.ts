/** Who asked for a redrive, as written to the audit log. */

export const MAX_ACTOR_LENGTH = 100;
export const DEFAULT_ACTOR = 'admin-token';

/**
 * The `X-Causeway-Actor` header made safe for a log people read: control and format characters
 * (newlines, bidi overrides) removed, whitespace collapsed, at most 100 characters; 'admin-token'
 * when nothing usable is left. Then the client address, since the header is only a claim.
 */
export function auditActor(header: unknown, clientAddress: string | undefined): string {
  const raw = Array.isArray(header) ? header[0] : header;
  const cleaned =
    typeof raw === 'string'
      ? Array.from(raw.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, ' ').replace(/\s+/g, ' ').trim())
          .slice(0, MAX_ACTOR_LENGTH)
          .join('')
          .trim()
      : '';
  const name = cleaned.length > 0 ? cleaned : DEFAULT_ACTOR;
  const address = clientAddress?.replace(/[^0-9a-fA-F:.%\w-]/g, '').slice(0, 64);
  return address ? `${name} (${address})` : name;
}
