/** Auto-refresh interval, or off. */
import { useId } from 'react';
import { REFRESH_OPTIONS } from '../model/time-range';

export function AutoRefreshControl({ refreshMs, onChange, loading }: { refreshMs: number | null; onChange: (ms: number | null) => void; loading?: boolean }) {
  const id = useId();
  return (
    <div className="auto-refresh">
      <label htmlFor={id}>Auto-refresh</label>
      <select id={id} value={refreshMs ?? 'off'} onChange={(event) => onChange(event.target.value === 'off' ? null : Number(event.target.value))}>
        <option value="off">Off</option>
        {REFRESH_OPTIONS.map((option) => (
          <option key={option.id} value={option.ms}>
            Every {option.label}
          </option>
        ))}
      </select>
      <span className={`refresh-indicator${loading ? ' active' : ''}`} aria-hidden="true" />
    </div>
  );
}
