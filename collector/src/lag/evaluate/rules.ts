/**
 * Status of one partition (or queue) from its window of observations, modelled on Burrow's rules.
 * First match wins:
 *
 * 1. fewer than `minSamples` observations → OK, "collecting samples (n of m)".
 * 2. latest lag 0 → OK, "caught up". An idle partition whose consumer is caught up is therefore OK,
 *    never STOP, however long nothing moves.
 * 3. Kafka only: the committed offset went backwards between two observations (unknown ones
 *    skipped) → REWIND, "offset went back from A to B" (the latest such step). A queue's ack count
 *    going backwards is a counter reset (broker or source restart), not a rewind, so queues skip it.
 * 4. progress (Kafka committed offset, queue ack count) identical in every observation while lag > 0:
 *    - no committed offset anywhere in the window and the log end did not move either → OK: the group
 *      never read this partition and nothing new arrives (old messages alone are not an outage);
 *    - consumer activity grew (Kafka commit count, queue deliveries) → STALL, "commits arrive but
 *      the offset stays at N" (deliveries / acknowledgements for queues);
 *    - otherwise → STOP, "no progress for <time> while N messages wait" (time since progress last
 *      changed, at least the window), plus "and no consumers" when the group has no members (an
 *      empty group with lag is itself alarming). This includes
 *      partitions where nothing new was produced: a consumer that sits on waiting messages is stuck.
 *    Queues without counters (AMQP passive declare: ready, unacked, consumers only) cannot see
 *    progress, so instead: lag > 0 in every observation, ready never decreased, and (no consumers or
 *    lag higher at the end than at the start) → STOP; otherwise on to rule 5.
 * 5. lag kept growing recently: over the last k + 1 intervals (k = max(2, ⌈(n − 1) / 2⌉) for n
 *    observations; all of them when there are fewer) it never decreased and grew in at least k, and
 *    the latest lag is above the window's first → WARN, "lag grew from A to B over <duration>" (A =
 *    where that growth started). Reaching rule 5 means progress moved (rule 4 did not match).
 *    Looking at the recent half only is deliberate: a consumer paused after keeping up has a window
 *    that starts with noisy near-zero lags, and it must show WARN before the window fills with
 *    stopped observations and it turns STOP; requiring the end above the start keeps a consumer
 *    working off a backlog (big lag, small recent wiggles) OK. Noise: a healthy consumer whose lag
 *    jitters with its commit timing is WARN in ~0.005 % of polls at window 10, ~3 % at window 5.
 * 6. otherwise OK, "consuming" (queues without counters: "N messages wait").
 */
import type { LagStatus } from '../types.js';
import { formatCount, formatDuration, messages } from './format.js';
import type { WindowView } from './window.js';

/** What "progress" means for this partition: see rule 4. */
export type ProgressKind = 'offsets' | 'queue-counted' | 'queue-uncounted';

export interface Verdict {
  status: LagStatus;
  reason: string;
}

const CAUGHT_UP: Verdict = { status: 'OK', reason: 'caught up' };
/** The lag itself is in the status next to the reason; a constant keeps 40,000 partitions cheap. */
const CONSUMING: Verdict = { status: 'OK', reason: 'consuming' };
const NEVER_READ: Verdict = { status: 'OK', reason: 'no commit on this partition and nothing produced during the window' };

/**
 * `unchangedForMs`: how long progress has had its current value, when the caller tracks it beyond
 * the window; STOP reasons then say "no progress for 95 s" rather than the window's length.
 */
export function judgePartition(window: WindowView, kind: ProgressKind, members: number, minSamples: number, unchangedForMs = 0): Verdict {
  const n = window.length;
  if (n === 0 || n < minSamples) return { status: 'OK', reason: `collecting samples (${n} of ${minSamples})` };
  const last = n - 1;
  const lag = window.lag(last);
  if (!(lag > 0)) return CAUGHT_UP;
  const span = window.at(last) - window.at(0);
  // Reasons are built only when a rule matches: most partitions end at a constant OK reason.
  const waiting = () => `${messages(lag)} ${lag === 1 ? 'waits' : 'wait'}`;
  const noConsumers = members === 0 ? ' and no consumers' : '';

  if (kind === 'offsets') {
    const rewind = latestRewind(window);
    if (rewind) return { status: 'REWIND', reason: `offset went back from ${formatCount(rewind.from)} to ${formatCount(rewind.to)}` };
  }

  if (kind === 'queue-uncounted') {
    if (uncountedStopped(window, members)) {
      return { status: 'STOP', reason: `no progress for ${formatDuration(span)} while ${waiting()} (ready never dropped)${noConsumers}` };
    }
  } else if (allSame(window, 'progress')) {
    const still = formatDuration(Math.max(span, unchangedForMs));
    const position = window.progress(last);
    if (Number.isNaN(position)) {
      if (allSame(window, 'end')) return NEVER_READ;
      return { status: 'STOP', reason: `no commits for ${still} while ${waiting()}${noConsumers}` };
    }
    if (grew(window, 'activity')) {
      return kind === 'offsets'
        ? { status: 'STALL', reason: `commits arrive but the offset stays at ${formatCount(position)} while ${waiting()}` }
        : { status: 'STALL', reason: `deliveries continue but acknowledgements stay at ${formatCount(position)} while ${waiting()}` };
    }
    return { status: 'STOP', reason: `no progress for ${still} while ${waiting()}${noConsumers}` };
  }

  const growth = trailingGrowth(window);
  if (growth) {
    return { status: 'WARN', reason: `lag grew from ${formatCount(growth.from)} to ${formatCount(growth.to)} over ${formatDuration(growth.ms)}` };
  }
  return kind === 'queue-uncounted' ? { status: 'OK', reason: waiting() } : CONSUMING;
}

function latestRewind(window: WindowView): { from: number; to: number } | undefined {
  let found: { from: number; to: number } | undefined;
  let previous = Number.NaN;
  for (let i = 0; i < window.length; i += 1) {
    const current = window.progress(i);
    if (Number.isNaN(current)) continue;
    if (current < previous) found = { from: previous, to: current };
    previous = current;
  }
  return found;
}

/** Every observation has the same value (unknown counts as a value of its own). */
function allSame(window: WindowView, field: 'progress' | 'end'): boolean {
  const first = window[field](0);
  for (let i = 1; i < window.length; i += 1) {
    if (!Object.is(window[field](i), first)) return false;
  }
  return true;
}

function grew(window: WindowView, field: 'activity'): boolean {
  for (let i = 1; i < window.length; i += 1) {
    if (window[field](i) > window[field](i - 1)) return true;
  }
  return false;
}

function uncountedStopped(window: WindowView, members: number): boolean {
  const last = window.length - 1;
  for (let i = 0; i <= last; i += 1) {
    if (!(window.lag(i) > 0)) return false;
    if (i > 0 && window.ready(i) < window.ready(i - 1)) return false;
  }
  return members === 0 || window.lag(last) > window.lag(0);
}

/**
 * Rule 5: over the last min(k + 1, n − 1) intervals, lag never decreased and grew in at least k of
 * them (k = max(2, ⌈(n − 1) / 2⌉)), and the latest lag is above the window's first. The one flat
 * interval allowed absorbs sampling aliasing (RabbitMQ refreshes its counters on its own clock, so a
 * poll can see the same numbers twice). Returns where the growth started, for the reason.
 */
export function trailingGrowth(window: WindowView): { from: number; to: number; ms: number } | undefined {
  const n = window.length;
  const intervals = n - 1;
  const required = Math.max(2, Math.ceil(intervals / 2));
  if (intervals < required) return undefined;
  const examined = Math.min(intervals, required + 1);
  let grew = 0;
  for (let i = n - examined; i < n; i += 1) {
    const change = window.lag(i) - window.lag(i - 1);
    if (change < 0) return undefined;
    if (change > 0) grew += 1;
  }
  if (grew < required) return undefined;
  if (!(window.lag(n - 1) > window.lag(0))) return undefined;
  let start = n - 1 - examined;
  while (start < n - 1 && window.lag(start + 1) === window.lag(start)) start += 1;
  return { from: window.lag(start), to: window.lag(n - 1), ms: window.at(n - 1) - window.at(start) };
}
