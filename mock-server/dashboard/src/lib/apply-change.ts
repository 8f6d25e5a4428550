import { TABLE_KEYS, type DashboardView, type LiveChange, type LiveTable } from '../../../src/dashboard/protocol.js';

/** The view with a change applied: rows replaced or added (new ones at the end, as the server orders them), keys removed. */
export function applyChange(view: DashboardView, change: LiveChange): DashboardView {
  const next: Record<string, unknown> = { ...view };
  for (const table of Object.keys(TABLE_KEYS) as LiveTable[]) {
    const upserts = change.upsert[table] ?? [];
    const removals = change.remove[table] ?? [];
    if (upserts.length === 0 && removals.length === 0) continue;
    const key = TABLE_KEYS[table];
    const rows = new Map<string, unknown>(view[table].map((row) => [keyOf(row, key), row]));
    for (const row of upserts) rows.set(keyOf(row, key), row);
    for (const id of removals) rows.delete(id);
    next[table] = [...rows.values()];
  }
  return next as unknown as DashboardView;
}

function keyOf(row: object, key: string): string {
  return String((row as Record<string, unknown>)[key]);
}
