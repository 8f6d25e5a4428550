// A mock Central Command in its own process for load tests: argv[2] is the fixture file.
import { startServer } from '../../mock-server/src/server.js';

const server = await startServer({ port: 0, rateLimit: false, ...(process.argv[2] === undefined ? {} : { fixturePath: process.argv[2] }) });
process.stdout.write(`${server.url}\n`);
