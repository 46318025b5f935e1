/**
 * The admin token for redrive, kept in this tab's sessionStorage only: it survives a reload but
 * not closing the tab, is never written to localStorage or the URL, and is not sent anywhere but
 * the redrive request's Authorization header. Storage can be disabled (privacy modes): then the
 * token lives only as long as the dialog.
 */
const TOKEN_KEY = 'causeway.redrive.adminToken';
const ACTOR_KEY = 'causeway.redrive.actor';

function read(key: string): string {
  try {
    return window.sessionStorage.getItem(key) ?? '';
  } catch {
    return '';
  }
}

function write(key: string, value: string): void {
  try {
    if (value) window.sessionStorage.setItem(key, value);
    else window.sessionStorage.removeItem(key);
  } catch {
    // Storage refused: the value is simply not remembered.
  }
}

export const readAdminToken = () => read(TOKEN_KEY);
export const saveAdminToken = (token: string) => write(TOKEN_KEY, token.trim());
export const forgetAdminToken = () => write(TOKEN_KEY, '');

/** The name written to the redrive audit log; not a secret, kept beside the token for the tab. */
export const readActor = () => read(ACTOR_KEY);
export const saveActor = (actor: string) => write(ACTOR_KEY, actor.trim());
