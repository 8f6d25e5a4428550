/**
 * Electron's main entry (bundled to dist/electron/main.cjs). Paths are resolved here, once, and
 * handed in, so everything below is testable with a fake `electron`.
 */
import { join } from 'node:path';
import * as electron from 'electron';
import { main as runCli } from '../../agent-core/src/cli/main.js';
import { startKiosk } from './kiosk.js';

const root = electron.app.getAppPath();
startKiosk(
  electron,
  { renderer: join(root, 'dist', 'wizard'), preload: join(root, 'dist', 'electron', 'preload.cjs') },
  {
    // Packaged: argv is [app, ...args]; in development: [electron, main.cjs, ...args].
    argv: process.argv.slice(electron.app.isPackaged ? 1 : 2),
    env: process.env,
    stderr: process.stderr,
    runCli: (args) => runCli(args),
  },
).catch((err: unknown) => {
  process.stderr.write(`osiris-kiosk: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  electron.app.exit(1);
});
