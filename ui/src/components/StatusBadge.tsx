/** An event or delivery outcome as icon + word + colour, so it never relies on colour alone. */
import type { DeliveryOutcome } from '../api/schemas';

const LOOK: Record<DeliveryOutcome, { icon: string; label: string }> = {
  ok: { icon: '✓', label: 'ok' },
  retried: { icon: '↻', label: 'retried' },
  error: { icon: '✕', label: 'error' },
  'dead-lettered': { icon: '⊘', label: 'dead-lettered' },
  pending: { icon: '…', label: 'pending' },
};

export function StatusBadge({ status, compact = false }: { status: DeliveryOutcome; compact?: boolean }) {
  const look = LOOK[status];
  return (
    <span className={`status status-${status}`} title={`status: ${look.label}`}>
      <span aria-hidden="true">{look.icon}</span>
      {compact ? <span className="visually-hidden">{look.label}</span> : <span>{look.label}</span>}
    </span>
  );
}

/** Whether an outcome should make its event stand out. */
export const isFailure = (status: DeliveryOutcome) => status === 'error' || status === 'dead-lettered';
