import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../../test-support/backend.js';
import { get } from '../../../test-support/http.js';
import { projectRoot } from '../../../test-support/paths.js';
import { rawPost } from './support.js';

const tempDir = useTempDir();
const DEMO = join(projectRoot(), 'dist', 'scripts', 'demo.js');

describe('npm run demo', () => {
  it('runs the CLI demo, then keeps the mock up with one line that opens its dashboard', async () => {
    const stateDir = join(await tempDir(), 'demo');
    const { OSIRIS_MOCK_ADMIN_TOKEN: _own, ...env } = process.env;
    const child = spawn(process.execPath, [DEMO], { env: { ...env, OSIRIS_DEMO_STATE_DIR: stateDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    try {
      const line = await new Promise<string>((resolve) => {
        createInterface({ input: child.stdout }).on('line', (text) => {
          lines.push(text);
          if (text.startsWith('Partner dashboard:')) resolve(text);
        });
      });
      expect(lines.join('\n')).toMatch(/Central Command sees .* as active/);
      const [, url, token] = /^Partner dashboard: (http:\/\/127\.0\.0\.1:\d+\/dashboard\/) {2}\(sign in with admin token ([\w-]+); Ctrl-C stops the server\)$/.exec(line) ?? [];
      expect(url).toBeDefined();
      expect(token).toMatch(/^[\w-]{32}$/);
      expect(url).not.toContain(token);
      expect((await get(url ?? '')).status).toBe(200);
      const origin = new URL(url ?? '').origin;
      expect((await rawPost(`${origin}/dashboard/session`, { token }, { origin })).status).toBe(201);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await new Promise((resolve) => child.on('close', resolve))).toBe(0);
  });
});
