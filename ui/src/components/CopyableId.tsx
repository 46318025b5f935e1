/** A long id shown in monospace, selectable in one click. */
export function CopyableId({ value }: { value: string | null }) {
  if (!value) return <span className="muted">unknown</span>;
  return (
    <code className="id" title={value}>
      {value}
    </code>
  );
}
