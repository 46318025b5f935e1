/**
 * Redrive with confirmation: a modal that first asks the collector for a dry run (what would be
 * republished where, what would be skipped and why), and only then offers "Redrive N messages"
 * for real. The admin token is typed here (a password field), sent only in the Authorization
 * header and remembered for this tab in sessionStorage; a token the collector refuses is
 * forgotten. A bulk redrive's time bounds are fixed when the dialog opens, so the real run
 * selects what the dry run showed (plus anything that dead-lettered in between).
 */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import { redriveDeadLetter, redriveDeadLetters, type RedriveCredentials } from '../../api/queries';
import type { DeadLetterFilter, RedriveResponse } from '../../api/schemas';
import { describeFilter } from '../../model/dead-letter-filter';
import { plural, redriveErrorMessage, summarizeRedrive } from '../../model/dead-letter-format';
import { forgetAdminToken, readActor, readAdminToken, saveActor, saveAdminToken } from './admin-token';
import { RedriveSummaryView } from './RedriveSummaryView';

/** The collector's default per bulk request; larger sets are redriven in several runs. */
export const BULK_REDRIVE_LIMIT = 100;

export type RedriveScope =
  | { kind: 'one'; id: string; description: string }
  | { kind: 'bulk'; filter: DeadLetterFilter; range: { from: string; to: string }; matching: number };

interface RedriveDialogProps {
  scope: RedriveScope;
  onClose: () => void;
  /** After a real redrive, so the page can reload what it shows. */
  onRedriven: (response: RedriveResponse) => void;
}

type Busy = 'dry-run' | 'redrive' | null;

function send(scope: RedriveScope, dryRun: boolean, force: boolean, credentials: RedriveCredentials, signal: AbortSignal): Promise<RedriveResponse> {
  const options = { dryRun, ...(force ? { force } : {}) };
  return scope.kind === 'one'
    ? redriveDeadLetter(scope.id, options, credentials, signal)
    : redriveDeadLetters({ filter: { ...scope.filter, ...scope.range }, limit: BULK_REDRIVE_LIMIT }, options, credentials, signal);
}

export function RedriveDialog({ scope, onClose, onRedriven }: RedriveDialogProps) {
  const id = useId();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const pending = useRef<AbortController | null>(null);
  const [token, setToken] = useState(readAdminToken);
  const [actor, setActor] = useState(readActor);
  const [force, setForce] = useState(false);
  const [busy, setBusy] = useState<Busy>(null);
  const [error, setError] = useState<string | null>(null);
  const [dryRun, setDryRun] = useState<RedriveResponse | null>(null);
  const [result, setResult] = useState<RedriveResponse | null>(null);

  const run = (dry: boolean) => {
    const credentials = { token: token.trim(), actor };
    if (!credentials.token) {
      setError('Enter the admin token configured on the collector.');
      return;
    }
    pending.current?.abort();
    const controller = new AbortController();
    pending.current = controller;
    setBusy(dry ? 'dry-run' : 'redrive');
    setError(null);
    send(scope, dry, force, credentials, controller.signal).then(
      (response) => {
        if (controller.signal.aborted) return;
        setBusy(null);
        saveAdminToken(credentials.token);
        saveActor(actor);
        if (dry) setDryRun(response);
        else {
          setResult(response);
          onRedriven(response);
        }
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        setBusy(null);
        const status = err instanceof ApiError ? err.status : undefined;
        if (status === 401) forgetAdminToken();
        setError(redriveErrorMessage(status, err instanceof Error ? err.message : String(err)));
      },
    );
  };

  // Opens as a modal (focus inside, the page inert, Escape cancels); on close the focus goes back.
  useEffect(() => {
    const dialog = dialogRef.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (dialog && !dialog.open) {
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
    }
    return () => {
      pending.current?.abort();
      opener?.focus();
    };
  }, []);

  // A remembered token runs the dry run straight away: the first thing shown is what would happen.
  const autoRan = useRef(false);
  useEffect(() => {
    if (autoRan.current || !token) return;
    autoRan.current = true;
    run(true);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, on open
  }, []);

  const submitDryRun = (event: FormEvent) => {
    event.preventDefault();
    run(true);
  };
  // Another token or force changes what the collector would do: the old dry run no longer holds.
  const invalidate = () => {
    setDryRun(null);
    setError(null);
  };

  const toRepublish = dryRun ? summarizeRedrive(dryRun).republishCount : 0;
  const title = scope.kind === 'one' ? 'Redrive this dead letter' : 'Redrive dead letters';
  const what =
    scope.kind === 'one'
      ? scope.description
      : `${describeFilter(scope.filter) ?? 'Every dead letter'} between ${new Date(scope.range.from).toLocaleString()} and ${new Date(scope.range.to).toLocaleString()} (${plural(scope.matching, 'match', 'matches')} listed; at most ${BULK_REDRIVE_LIMIT} per run).`;

  return (
    <dialog
      ref={dialogRef}
      className="redrive-dialog"
      data-testid="redrive-dialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-what`}
      onCancel={(event) => {
        event.preventDefault();
        if (busy !== 'redrive') onClose();
      }}
    >
      <h2 id={`${id}-title`}>{title}</h2>
      <p id={`${id}-what`} className="small">
        {what}
      </p>
      <p className="muted small">
        Each message is republished to its original topic or queue through the broker, its trace continued from the dead letter. A message that was redriven before is
        skipped unless you force it: if it dead-letters again, redriving it once more may loop.
      </p>
      <form className="redrive-form" onSubmit={submitDryRun} noValidate>
        <div className="field">
          <label htmlFor={`${id}-token`}>Admin token</label>
          <input
            id={`${id}-token`}
            type="password"
            autoComplete="off"
            value={token}
            autoFocus={!token}
            onChange={(event) => {
              setToken(event.target.value);
              invalidate();
            }}
            aria-describedby={`${id}-token-help`}
          />
          <span id={`${id}-token-help`} className="muted small">
            Sent only in the request’s Authorization header; kept for this tab only.
          </span>
        </div>
        <div className="field">
          <label htmlFor={`${id}-actor`}>Your name (for the audit log)</label>
          <input id={`${id}-actor`} value={actor} maxLength={120} onChange={(event) => setActor(event.target.value)} placeholder="optional" />
        </div>
        <label className="inline-field">
          <input
            type="checkbox"
            checked={force}
            onChange={(event) => {
              setForce(event.target.checked);
              invalidate();
            }}
          />
          Force: also redrive messages that were redriven before
        </label>
        <div className="form-actions">
          <button type="submit" className="button" data-testid="redrive-dry-run-button" disabled={busy !== null || result !== null}>
            {busy === 'dry-run' ? 'Checking…' : dryRun ? 'Dry run again' : 'Dry run'}
          </button>
        </div>
      </form>
      {error && (
        <p className="error-text small" role="alert" data-testid="redrive-error">
          {error}
        </p>
      )}
      {dryRun && <RedriveSummaryView response={dryRun} testId="redrive-dry-run" />}
      {result && <RedriveSummaryView response={result} testId="redrive-result" />}
      <div className="form-actions dialog-actions">
        {dryRun && !result && (
          <button type="button" className="button danger" data-testid="redrive-confirm" disabled={busy !== null || toRepublish === 0} onClick={() => run(false)}>
            {busy === 'redrive' ? 'Redriving…' : `Redrive ${plural(toRepublish, 'message')}`}
          </button>
        )}
        <button type="button" className="button" onClick={onClose} disabled={busy === 'redrive'}>
          {result ? 'Close' : 'Cancel'}
        </button>
      </div>
    </dialog>
  );
}
