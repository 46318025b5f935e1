/**
 * Which dimensions the hotspots are grouped by: checkboxes, so several can be combined (error
 * fingerprint × consumer group is the default). The last checked one cannot be unchecked.
 */
import type { HotspotDimension } from '../../api/schemas';
import { DIMENSION_LABELS, HOTSPOT_DIMENSIONS } from '../../model/dead-letter-filter';

interface GroupBySelectorProps {
  value: readonly HotspotDimension[];
  onChange: (dimensions: HotspotDimension[]) => void;
}

export function GroupBySelector({ value, onChange }: GroupBySelectorProps) {
  const toggle = (dimension: HotspotDimension, checked: boolean) => {
    const next = checked ? [...value, dimension] : value.filter((d) => d !== dimension);
    if (next.length > 0) onChange(HOTSPOT_DIMENSIONS.filter((d) => next.includes(d)));
  };
  return (
    <fieldset className="group-by" data-testid="hotspot-group-by">
      <legend>Group by</legend>
      {HOTSPOT_DIMENSIONS.map((dimension) => {
        const checked = value.includes(dimension);
        return (
          <label key={dimension} className="inline-field">
            <input type="checkbox" name="groupBy" value={dimension} checked={checked} disabled={checked && value.length === 1} onChange={(event) => toggle(dimension, event.target.checked)} />
            {DIMENSION_LABELS[dimension]}
          </label>
        );
      })}
    </fieldset>
  );
}
