#!/usr/bin/env node
import { runCampaignCli } from './campaign-cli.js';

// SIGTERM/SIGINT stop the dialling; calls under way end, and the same command resumes.
// Listening for good: a second signal while calls drain must not kill the process.
const stop = new AbortController();
const onSignal = () => stop.abort();
process.on('SIGTERM', onSignal);
process.on('SIGINT', onSignal);
process.on('SIGXFSZ', () => undefined);

process.exitCode = await runCampaignCli(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  isTty: process.stdout.isTTY === true,
  signal: stop.signal,
});
// Timers of a finished campaign (a pino transport, a closed socket's) must not hold the exit.
setTimeout(() => process.exit(), 2000).unref();
