/**
 * The search form: an event id opens that event's lineage; otherwise type, service and
 * destination filter the result list (exact matches, as the API takes them). Filters live in the
 * URL query next to the time range.
 */
import { useState, type FormEvent } from 'react';

export interface SearchFilters {
  type: string;
  service: string;
  destination: string;
}

export const FILTER_KEYS = ['type', 'service', 'destination'] as const;

export function filtersFrom(params: URLSearchParams): SearchFilters {
  return { type: params.get('type') ?? '', service: params.get('service') ?? '', destination: params.get('destination') ?? '' };
}

interface EventSearchProps {
  filters: SearchFilters;
  onSearch: (filters: SearchFilters) => void;
  onOpenEvent: (id: string) => void;
}

export function EventSearch({ filters, onSearch, onOpenEvent }: EventSearchProps) {
  const [eventId, setEventId] = useState('');
  const [draft, setDraft] = useState(filters);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const id = eventId.trim();
    if (id) {
      setEventId('');
      onOpenEvent(id);
      return;
    }
    onSearch({ type: draft.type.trim(), service: draft.service.trim(), destination: draft.destination.trim() });
  };
  const clear = () => {
    const empty = { type: '', service: '', destination: '' };
    setDraft(empty);
    setEventId('');
    onSearch(empty);
  };

  return (
    <form className="event-search" data-testid="event-search" onSubmit={submit} role="search" aria-label="Search events">
      <label>
        Event id
        <input name="id" value={eventId} onChange={(e) => setEventId(e.target.value)} placeholder="opens its lineage" autoComplete="off" spellCheck={false} />
      </label>
      <label>
        Event type
        <input name="type" value={draft.type} onChange={(e) => setDraft({ ...draft, type: e.target.value })} placeholder="e.g. OrderPlaced" autoComplete="off" />
      </label>
      <label>
        Service
        <input name="service" value={draft.service} onChange={(e) => setDraft({ ...draft, service: e.target.value })} placeholder="producing service" autoComplete="off" />
      </label>
      <label>
        Destination
        <input name="destination" value={draft.destination} onChange={(e) => setDraft({ ...draft, destination: e.target.value })} placeholder="topic or queue" autoComplete="off" />
      </label>
      <div className="form-actions">
        <button type="submit" className="button primary">
          Search
        </button>
        <button type="button" className="button" onClick={clear}>
          Clear
        </button>
      </div>
    </form>
  );
}
