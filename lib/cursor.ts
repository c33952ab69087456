/** A position in the (occurred_at, id) order; opaque in URLs. */
export type Cursor = { at: string; id: string };

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.at}|${cursor.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(value: string | undefined): Cursor | null {
  if (!value || value.length > 100) return null;
  const [at, id] = Buffer.from(value, 'base64url').toString('utf8').split('|');
  if (
    !at ||
    !id ||
    !/^\d{1,19}$/.test(id) ||
    Number.isNaN(Date.parse(at)) ||
    !/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(at)
  )
    return null;
  return { at, id };
}
