#!/usr/bin/env node
// The mock Central Command for tests, demos and labs.
import module from 'node:module';

module.enableCompileCache?.();
const { main } = await import('../dist/mock-server/src/cli.js');
const code = await main(process.argv.slice(2));
if (code !== 0) process.exit(code);
