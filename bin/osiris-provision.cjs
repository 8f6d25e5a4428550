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
require('node:module').enableCompileCache?.();
const { main, exitWhenFlushed } = require('../dist/cli/osiris-provision.cjs');
main(process.argv.slice(2)).then(exitWhenFlushed);
