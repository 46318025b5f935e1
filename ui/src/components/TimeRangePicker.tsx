/**
 * Preset ranges (relative to now) or a custom from/to. The custom inputs use the browser's local
 * time; the URL stores UTC ISO times.
 */
import { useId, useState, type FormEvent } from 'react';
import { RANGE_PRESETS, type RangePresetId, type TimeRange } from '../model/time-range';

/** `datetime-local` value (local time, minutes) of an epoch time, and back. */
export function toLocalInput(ms: number): string {
  const date = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return date.toISOString().slice(0, 16);
}
const fromLocalInput = (value: string) => (value ? new Date(value).getTime() : Number.NaN);

export function TimeRangePicker({ range, onChange }: { range: TimeRange; onChange: (range: TimeRange) => void }) {
  const id = useId();
  const [customOpen, setCustomOpen] = useState(range.kind === 'custom');
  const [draft, setDraft] = useState(() => {
    const now = Date.now();
    return range.kind === 'custom' ? { from: toLocalInput(range.from), to: toLocalInput(range.to) } : { from: toLocalInput(now - 3_600_000), to: toLocalInput(now) };
  });
  const from = fromLocalInput(draft.from);
  const to = fromLocalInput(draft.to);
  const invalid = !(from < to);
  const selectValue = customOpen || range.kind === 'custom' ? 'custom' : range.preset;

  const onSelect = (value: string) => {
    if (value === 'custom') return setCustomOpen(true);
    setCustomOpen(false);
    onChange({ kind: 'preset', preset: value as RangePresetId });
  };
  const apply = (event: FormEvent) => {
    event.preventDefault();
    if (!invalid) onChange({ kind: 'custom', from, to });
  };

  return (
    <div className="time-range">
      <label htmlFor={`${id}-range`}>Time range</label>
      <select id={`${id}-range`} value={selectValue} onChange={(event) => onSelect(event.target.value)}>
        {RANGE_PRESETS.map((preset) => (
          <option key={preset.id} value={preset.id}>
            {preset.label}
          </option>
        ))}
        <option value="custom">Custom…</option>
      </select>
      {selectValue === 'custom' && (
        <form className="time-range-custom" onSubmit={apply} aria-label="Custom time range">
          <label htmlFor={`${id}-from`}>From</label>
          <input id={`${id}-from`} type="datetime-local" value={draft.from} onChange={(event) => setDraft({ ...draft, from: event.target.value })} />
          <label htmlFor={`${id}-to`}>To</label>
          <input id={`${id}-to`} type="datetime-local" value={draft.to} onChange={(event) => setDraft({ ...draft, to: event.target.value })} />
          <button type="submit" className="button" disabled={invalid} title={invalid ? 'From must be before To' : undefined}>
            Apply
          </button>
        </form>
      )}
    </div>
  );
}
