#!/usr/bin/env node
'use strict';
// The headless provisioning CLI. CommonJS and tiny on purpose: `--check` runs at every boot (see rolldown.config.js).
require('node:module').enableCompileCache?.();
const { main } = require('../dist/cli/osiris-provision.cjs');
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
