import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { Store, StoreSnapshot } from './store.js';

/**
 * Keeps a lab server's state across restarts: loaded at start, saved after each change (one save
 * at a time, the latest state wins), written to a temp file and renamed so a crash never leaves
 * half a file.
 */
export async function loadState(path: string): Promise<StoreSnapshot | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as StoreSnapshot;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export function persistState(store: Store, path: string): { flush: () => Promise<void> } {
  let pending: Promise<void> = Promise.resolve();
  let dirty = false;
  const save = async () => {
    while (dirty) {
      dirty = false;
      const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(temp, JSON.stringify(store.snapshot(), null, 2), { mode: 0o600 });
      await rename(temp, path);
    }
  };
  store.onChange(() => {
    if (dirty) return;
    dirty = true;
    pending = pending.then(save, save);
  });
  return { flush: () => pending };
}
