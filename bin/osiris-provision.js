#!/usr/bin/env node
// The headless provisioning CLI. Kept tiny: `--check` runs at every boot and must start fast.
import module from 'node:module';

module.enableCompileCache?.();
const { main } = await import('../dist/agent-core/src/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
