#!/usr/bin/env node
'use strict';
// The headless provisioning CLI. CommonJS and tiny on purpose: `--check` runs at every boot (see rolldown.config.js).
// An older Node cannot run the engine (undici needs 22.12): say so in one line rather than with a stack trace.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(`osiris-provision: needs Node.js 22.12 or newer, and this is ${process.version}. ` +
    'From the project folder run `npx osiris-provision …` (npm brings Node 22); on an appliance use the packaged /usr/bin/osiris-provision.\n');
  process.exit(2);
}

/**
 * Node's compile cache (V8 code for the bundle, ~20 ms less per provisioning run) in a directory
 * only this user can write: Node's default, /tmp/node-compile-cache, can be created first by any
 * local user, who could then plant code that root runs. OSIRIS_COMPILE_CACHE may name another
 * directory; either way one that is not ours, or writable by others, means no cache at all.
 */
const compileCache = () => {
  const fs = require('node:fs');
  const path = require('node:path');
  const uid = process.getuid?.();
  if (uid === undefined) return;
  const userCache = () => path.join(process.env.XDG_CACHE_HOME || path.join(require('node:os').homedir(), '.cache'), 'osiris-provision');
  const dir = process.env.OSIRIS_COMPILE_CACHE || (uid === 0 ? '/var/cache/osiris-provision' : userCache());
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = fs.lstatSync(dir);
    if (!stat.isDirectory() || stat.uid !== uid || (stat.mode & 0o022) !== 0) return;
  } catch {
    return; // read-only or missing parent: run without the cache
  }
  require('node:module').enableCompileCache?.(dir);
};

compileCache();
const { main, exitWhenFlushed } = require('../dist/cli/osiris-provision.cjs');
main(process.argv.slice(2)).then(exitWhenFlushed);
