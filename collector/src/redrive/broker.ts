/** What the service asks of a broker: take dead letters back from one dead-letter destination to their origins. */
import type { DeadLetterRecord, RedriveAuditEntry } from '../deadletters/types.js';
import type { RedriveSpan } from './trace.js';

export interface RedriveTarget {
  system: string;
  destination: string;
}

export interface RedriveJob {
  record: DeadLetterRecord;
  /** This redrive's number for the dead letter (1 = first). */
  redriveCount: number;
}

export interface JobOutcome {
  result: RedriveAuditEntry['result'];
  detail?: string;
  target?: RedriveTarget;
}

export interface BrokerRedriveContext {
  dryRun: boolean;
  /** Waits for a rate-limit token; false when the request's time budget would run out first. */
  permit(): Promise<boolean>;
  /**
   * Starts the `redrive <destination>` span and answers the headers the copy gets on top of the kept
   * ones: traceparent, the original event id, `causeway-redrive-of` and `causeway-redrive-count`.
   */
  stamp(job: RedriveJob, target: RedriveTarget): RedriveSpan;
}

export interface BrokerRedriver {
  /**
   * Redrives jobs that share the dead-letter destination `deadLetterDestination`; one outcome per job,
   * in order. A job's own trouble becomes its 'failed' or 'skipped' outcome; a rejection means the
   * broker could not be reached at all.
   */
  redrive(deadLetterDestination: string, jobs: RedriveJob[], context: BrokerRedriveContext): Promise<JobOutcome[]>;
  close(): Promise<void>;
}

export const RATE_LIMITED: JobOutcome = { result: 'skipped', detail: 'rate limit: try again' };

export function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}
