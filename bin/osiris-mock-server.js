#!/usr/bin/env node
// The mock Central Command for tests, demos and labs.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(`osiris-mock-server: needs Node.js 22.12 or newer, and this is ${process.version}. From the project folder run \`npx osiris-mock-server …\` (npm brings Node 22).\n`);
  process.exit(2);
}

// No compile cache: Node's default directory (/tmp/node-compile-cache) is one any local user could fill first.
const { main } = await import('../dist/mock-server/src/cli.js');
const code = await main(process.argv.slice(2));
if (code !== 0) process.exit(code);
