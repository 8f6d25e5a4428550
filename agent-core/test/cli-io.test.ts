import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { safeIo, type CliIo } from '../src/cli/io.js';

describe("the CLI's terminal", () => {
  it('creates stdin only when a prompt reads it (process.stdin costs every run that never asks)', () => {
    let made = 0;
    const stdin = new PassThrough();
    const written: string[] = [];
    const io: CliIo = {
      get stdin() {
        made += 1;
        return stdin;
      },
      stdout: { write: (text: string) => { written.push(text); } },
      stderr: { write: () => undefined },
      env: {},
    };
    const safe = safeIo(io);
    safe.stdout.write('ok\x1b]52;c;cGF5bG9hZA==\x07\n');
    expect(made).toBe(0);
    expect(safe.stdin).toBe(stdin);
    expect(made).toBe(1);
    expect(written.join('')).not.toContain('\x1b');
  });
});
