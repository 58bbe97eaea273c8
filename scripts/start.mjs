#!/usr/bin/env node
// `pnpm start`, the README's main command: starts the reference server with the demo
// bot on a free loopback port, places one emulated call against it with psr-sim (the
// bundled caller recording: three utterances with pauses), prints the call's timeline,
// writes heard.wav (what the caller heard), call.wav (caller left, bot right) and
// call-report.html (the call as a page: waveforms, every action and event, playback), then
// stops the server with SIGTERM (graceful shutdown) and exits with the call's verdict.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const server = spawn(
  process.execPath,
  [
    'apps/server/dist/bin.js',
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--log-format',
    'json',
    '--log-level',
    'info',
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const url = await new Promise((resolve, reject) => {
  server.once('exit', (code) =>
    reject(new Error(`the server exited with code ${code} before listening`)),
  );
  createInterface({ input: server.stdout }).on('line', (line) => {
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      return console.log(line);
    }
    if (entry.msg === 'listening') resolve(entry.url);
    const call = entry.call_id ? ` call ${entry.call_id.slice(0, 8)}` : '';
    console.log(`  server${call}: ${entry.msg}${entry.reason ? ` (${entry.reason})` : ''}`);
  });
});
console.log(`\nplacing an emulated call to ${url} …\n`);

const sim = spawn(
  process.execPath,
  [
    'packages/simulator/dist/bin.js',
    'call',
    url,
    '--tenant',
    'demo',
    '--param',
    'danh_xung=anh',
    '--tail-ms',
    '12000',
    '--heard',
    'heard.wav',
    '--stereo',
    'call.wav',
    '--report',
    'call-report.html',
  ],
  { stdio: 'inherit' },
);
const simCode = await new Promise((resolve) => sim.once('exit', (code) => resolve(code ?? 1)));
server.kill('SIGTERM');
const serverCode = await new Promise((resolve) =>
  server.once('exit', (code) => resolve(code ?? 1)),
);
console.log(
  `\nheard.wav: what the caller heard; call.wav: caller left, bot right; call-report.html: the call as a page. Server stopped (exit ${serverCode}).`,
);
process.exitCode = simCode || serverCode;
