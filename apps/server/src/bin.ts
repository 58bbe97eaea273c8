#!/usr/bin/env node
import { runServer } from './run-server.js';

// A file-size limit (ulimit -f) kills a process that passes it, unless the signal is
// handled: then the write fails with EFBIG, and only that recording stops.
process.on('SIGXFSZ', () => undefined);

process.exitCode = await runServer(process.argv.slice(2));
