import { TABLE_KEYS, type DashboardView, type LiveChange, type LiveTable } from './protocol.js';

type Rows = Map<string, string>;

/**
 * What changed since the last view the viewers were sent, row by row (rows compared as their JSON),
 * so a claim among a thousand codes sends one code, one site and one appliance, not the lot.
 */
export class ViewDiff {
  readonly #sent = new Map<LiveTable, Rows>();

  /** The change from the previous call's view to this one (the first call: everything), or undefined when nothing changed. */
  next(view: DashboardView): LiveChange | undefined {
    const upsert: Record<string, unknown[]> = {};
    const remove: Record<string, string[]> = {};
    let changed = false;
    for (const table of Object.keys(TABLE_KEYS) as LiveTable[]) {
      const key = TABLE_KEYS[table];
      const before = this.#sent.get(table) ?? new Map<string, string>();
      const now: Rows = new Map();
      for (const row of view[table]) {
        const id = (row as unknown as Record<string, string>)[key] ?? '';
        const json = JSON.stringify(row);
        now.set(id, json);
        if (before.get(id) !== json) (upsert[table] ??= []).push(row);
      }
      for (const id of before.keys()) if (!now.has(id)) (remove[table] ??= []).push(id);
      changed ||= upsert[table] !== undefined || remove[table] !== undefined;
      this.#sent.set(table, now);
    }
    return changed ? { upsert, remove } : undefined;
  }
}
