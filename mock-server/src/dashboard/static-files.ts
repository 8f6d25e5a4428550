import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Only these kinds are served; anything else in the folder (a stray map, a dotfile) is not. */
const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
};
/** A file name Vite writes: no slash, no leading dot (so never `..`). */
const FILE_NAME = /^[\w-][\w.-]*$/;
/** Hashed names never change content: cache them for a year. */
export const ASSET_CACHE = 'public, max-age=31536000, immutable';

export type ServedFile = { readonly body: Buffer; readonly type: string } | 'not-found' | 'not-built';

/** The built dashboard (dist/dashboard), read from disk per request so a rebuild is served at once. */
export class DashboardFiles {
  readonly dir: string;

  constructor(dir: string = defaultDashboardDir()) {
    this.dir = dir;
  }

  get built(): boolean {
    return existsSync(join(this.dir, 'index.html'));
  }

  /** `folder` is '' or 'assets'; `name` as it came in the path, checked here. */
  async read(folder: '' | 'assets', name: string): Promise<ServedFile> {
    if (!this.built) return 'not-built';
    const type = MIME_TYPES[extname(name)];
    if (!FILE_NAME.test(name) || type === undefined) return 'not-found';
    try {
      return { body: await readFile(join(this.dir, folder, name)), type };
    } catch {
      return 'not-found';
    }
  }
}

/** `<repo>/dist/dashboard`, found from this file whether it runs from source (tests) or from dist/. */
export function defaultDashboardDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || dir.endsWith('/dist')) {
    const parent = dirname(dir);
    if (parent === dir) return join(process.cwd(), 'dist', 'dashboard');
    dir = parent;
  }
  return join(dir, 'dist', 'dashboard');
}
