import type { FieldChange } from '@/lib/audit/types';

/** A value as people read it: strings as they are, anything else as pretty-printed JSON. */
function show(value: unknown): string {
  if (value === null || value === undefined) return '∅';
  if (typeof value === 'string') return value;
  return JSON.stringify(value, null, 2);
}

function Value({ value, tone }: { value: unknown; tone: 'old' | 'new' }) {
  const text = show(value);
  const className =
    tone === 'old' ? 'bg-destructive/10 line-through decoration-destructive/40' : 'bg-success/10';
  // Long values are collapsed; everything is rendered as text, never as markup.
  if (text.length > 200 || text.includes('\n')) {
    return (
      <details>
        <summary className="cursor-pointer">
          <span className={`rounded px-1 font-mono text-xs ${className}`}>
            {text.slice(0, 80).replace(/\n/g, ' ')}…
          </span>
        </summary>
        <pre
          className={`mt-1 max-h-80 overflow-auto whitespace-pre-wrap rounded p-2 text-xs ${className}`}
        >
          {text}
        </pre>
      </details>
    );
  }
  return (
    <span className={`whitespace-pre-wrap break-all rounded px-1 font-mono text-xs ${className}`}>
      {text}
    </span>
  );
}

export function ChangeDiff({ changes }: { changes: FieldChange[] }) {
  return (
    <table className="w-full text-sm">
      <caption className="sr-only">Field changes</caption>
      <thead className="text-left text-muted-foreground">
        <tr>
          <th scope="col" className="py-1 pr-4 font-medium">
            Field
          </th>
          <th scope="col" className="py-1 pr-4 font-medium">
            Old
          </th>
          <th scope="col" className="py-1 font-medium">
            New
          </th>
        </tr>
      </thead>
      <tbody>
        {changes.map((c, i) => (
          <tr
            key={`${c.field}-${i}`}
            className="border-t align-top"
            data-field={c.field}
            data-new={show(c.new)}
          >
            <td className="py-1 pr-4 font-medium">{c.field}</td>
            <td className="py-1 pr-4">
              <Value value={c.old} tone="old" />
            </td>
            <td className="py-1">
              <Value value={c.new} tone="new" />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
