/** A consumer group's or partition's lag status as icon + word + colour, never colour alone. */
import type { LagStatusName } from '../api/schemas';
import { LAG_STATUS_LOOK } from '../model/lag-format';

export function LagStatusBadge({ status, reason, testId = 'lag-status' }: { status: LagStatusName; reason?: string; testId?: string }) {
  const look = LAG_STATUS_LOOK[status];
  return (
    <span className={`status lag-status lag-status-${status.toLowerCase()}`} data-testid={testId} data-status={status} title={`${status}: ${reason ?? look.meaning}`}>
      <span aria-hidden="true">{look.icon}</span>
      <span>{status}</span>
    </span>
  );
}
