// `npm start`: the kiosk in a normal window, against the bundled mock Central Command on loopback.
// Electron's binary is fetched from GitHub on first use; where that cannot happen (this build
// machine), say so instead of hanging on a download, and point to what does run here.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const electronDir = dirname(require.resolve('electron/package.json'));
const pathFile = join(electronDir, 'path.txt');
const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8') : 'electron';
const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
const binary = override === undefined ? join(electronDir, 'dist', relative) : join(override, relative);

if (!existsSync(binary)) {
  process.stderr.write(`The Electron binary is not installed (${binary}).
It is downloaded from GitHub the first time Electron runs, and this machine cannot reach GitHub.
- To run the kiosk here, set ELECTRON_OVERRIDE_DIST_PATH to an unpacked Electron 45 for this platform.
- To provision headless against the bundled backend instead:  npm run demo
- The wizard itself is tested in Chromium by:                 npm test
`);
  process.exit(1);
}

const { startServer } = await import('../dist/mock-server/src/server.js');
const server = await startServer({ port: 0, host: '127.0.0.1', adminToken: process.env.OSIRIS_MOCK_ADMIN_TOKEN });
process.stdout.write(`Mock Central Command on ${server.url}; provision code ABCD1234EFGH5678\n`);
const child = spawn(binary, ['.', '--windowed', '--api-endpoint', server.url, '--state-dir', resolve('.state', 'kiosk')], { stdio: 'inherit' });
child.on('exit', (code) => {
  void server.close().then(() => process.exit(code ?? 1));
});
