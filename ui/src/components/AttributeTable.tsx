/** Span attributes as a key/value list, keys sorted so related `messaging.*` keys sit together. */
export function AttributeTable({ attributes }: { attributes: Record<string, unknown> }) {
  const entries = Object.entries(attributes).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return <p className="muted">No attributes.</p>;
  return (
    <dl className="attributes">
      {entries.map(([key, value]) => (
        <div key={key} className="attribute">
          <dt>{key}</dt>
          <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
        </div>
      ))}
    </dl>
  );
}
