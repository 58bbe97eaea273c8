import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DecodeMode } from '@psrkit/line';
import type { CallSide } from '@psrkit/pipeline';
import {
  encodeWav,
  interleaveStereo,
  isProtocolError,
  PSR_CHANNELS,
  type PsrChannel,
} from '@psrkit/protocol';
import { isTransportError } from '@psrkit/transport';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { type CallReport, formatReport, reportToJson, type TimelineEntry } from './call-report.js';
import { callReportHtml } from './call-report-html.js';
import { loadCallerAudio } from './caller-audio-file.js';
import { SimulatorError } from './errors.js';
import { formatLoadSummary, runLoad } from './load.js';
import { placeCall } from './place-call.js';
import { startPsrApiEmulator } from './psr-api-emulator.js';
import { formatScenarioResult, loadScenario, runScenario } from './scenario.js';
import { VERSION } from './version.js';

const DEFAULT_CALLER = fileURLToPath(new URL('../samples/caller.wav', import.meta.url));
const tty = process.stderr.isTTY === true;

const number = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a number ≥ 0`);
  return n;
};
const pair = (value: string, previous: Record<string, string> = {}) => {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`expected key=value, got ${JSON.stringify(value)}`);
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
};
const collect = (value: string, previous: string[] = []) => [...previous, value];
/** A bot server's WebSocket URL: `ws://` or `wss://`, or a one-line error. */
const wsUrl = (value: string) => {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // not a URL at all: said below
  }
  if (url?.protocol !== 'ws:' && url?.protocol !== 'wss:')
    throw new InvalidArgumentError(
      `expected a ws:// or wss:// URL, got ${JSON.stringify(value.slice(0, 120))} (e.g. ws://${value.replace(/^[a-z]+:\/\//i, '').slice(0, 60)})`,
    );
  return value;
};

/** Writes what the caller heard (mono), the call in stereo (caller left, bot right), the HTML report. */
async function writeAudio(
  report: CallReport,
  heardPath?: string,
  stereoPath?: string,
  reportPath?: string,
): Promise<void> {
  if (reportPath) await writeFile(reportPath, await callReportHtml(report));
  if (heardPath)
    await writeFile(heardPath, encodeWav({ sampleRate: 8000, channels: 1, samples: report.heard }));
  if (stereoPath) {
    const both = interleaveStereo(report.caller, report.heard);
    await writeFile(stereoPath, encodeWav({ sampleRate: 8000, channels: 2, samples: both }));
  }
}

/** A call's page in `dir`, named after its id (made safe as a file name); a failure is one line. */
async function writeReportPage(dir: string, report: CallReport): Promise<void> {
  const name = `${report.callId.replace(/[^\w.-]/g, '_').slice(0, 100)}.html`;
  try {
    await writeFile(join(dir, name), await callReportHtml(report));
    console.log(`the call as a page: ${join(dir, name)}`);
  } catch (error) {
    console.error(`psr-sim: cannot write ${join(dir, name)}: ${(error as Error).message}`);
  }
}

/** On a TTY: each timeline event as it happens, on stderr. */
function liveTimeline(enabled: boolean): ((entry: TimelineEntry) => void) | undefined {
  if (!enabled || !tty) return undefined;
  return (entry) => {
    const at = (entry.atMs / 1000).toFixed(2).padStart(7);
    if (entry.kind === 'action' && entry.type !== 'chunk')
      process.stderr.write(
        `${at}s  ← ${entry.type}${entry.extension ? ` ${entry.extension}` : ''}\n`,
      );
    else if (entry.kind === 'violation') process.stderr.write(`${at}s  VIOLATION ${entry.code}\n`);
    else if (entry.kind === 'connected')
      process.stderr.write(`${at}s  connected as ${entry.callId}\n`);
  };
}

const channelOption = () =>
  new Option('--channel <layout>', 'payload layout PSR sends')
    .choices(PSR_CHANNELS as string[])
    .default('mono_a');
const sideOption = () =>
  new Option(
    '--side <side>',
    "the side that carries the caller's voice (default: b for mono_b, else a; b = an outbound call)",
  ).choices(['a', 'b']);
const mediaCutsStreamOption = () =>
  new Option(
    '--media-cuts-stream <on|off>',
    'whether a media with is_sync false also cuts a chunk stream that plays (PSR does not say)',
  )
    .choices(['on', 'off'])
    .default('on');
const decodeOption = (fallback: DecodeMode) =>
  new Option('--decode <mode>', 'MP3 decoding on the emulated line')
    .choices(['stream', 'independent', 'none'])
    .default(fallback);

export function buildProgram(): Command {
  const program = new Command('psr-sim')
    .description(
      'A local PSR: places emulated calls against a bot server and reports what the caller heard.',
    )
    .version(VERSION)
    // Errors are one line from `main` (exit code 2), never a help dump; subcommands inherit this.
    .exitOverride()
    .configureOutput({ writeErr: () => {} });

  program
    .command('call')
    .description('place one call and print its timeline')
    .argument('<url>', 'the bot server WebSocket URL, e.g. ws://127.0.0.1:8080/', wsUrl)
    .option(
      '--wav <file>',
      'the caller recording (any WAV; resampled to 8 kHz mono)',
      DEFAULT_CALLER,
    )
    .option('--tenant <name>', 'tenant query parameter', 'sim')
    .option('--param <key=value>', 'a dynamic query parameter (repeatable)', pair, {})
    .option(
      '--header <key=value>',
      'an extra upgrade header, e.g. authorization=Bearer… (repeatable)',
      pair,
      {},
    )
    .addOption(channelOption())
    .addOption(sideOption())
    .option('--piece-ms <ms>', 'audio per media event', number('--piece-ms'), 20)
    .option(
      '--speed <factor>',
      'run the clock this many times faster than real time',
      number('--speed'),
      1,
    )
    .addOption(decodeOption('stream'))
    .addOption(mediaCutsStreamOption())
    .option(
      '--tail-ms <ms>',
      'stay on the line this long after the recording ends',
      number('--tail-ms'),
      5000,
    )
    .option('--heard <file>', 'write what the caller heard as a WAV')
    .option('--stereo <file>', 'write the call as a stereo WAV (caller left, bot right)')
    .option('--report <file.html>', 'write the call as an HTML page: waveforms, marks, playback')
    .option('--json', 'print the report as JSON')
    .action(async (url: string, o) => {
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort());
      const onTimeline = liveTimeline(!o.json);
      const report = await placeCall({
        url,
        caller: await loadCallerAudio(o.wav),
        tenant: o.tenant,
        params: o.param,
        headers: o.header,
        channel: o.channel as PsrChannel,
        ...(o.side && { side: o.side as CallSide }),
        pieceMs: o.pieceMs,
        speed: o.speed,
        decode: o.decode as DecodeMode,
        mediaCutsStream: o.mediaCutsStream === 'on',
        tailMs: o.tailMs,
        signal: controller.signal,
        ...(onTimeline && { onTimeline }),
      });
      await writeAudio(report, o.heard, o.stereo, o.report);
      console.log(o.json ? JSON.stringify(reportToJson(report), null, 2) : formatReport(report));
      if (o.heard && !o.json) console.log(`what the caller heard: ${o.heard}`);
      if (o.report && !o.json) console.log(`the call as a page: ${o.report}`);
      if (report.violations.length > 0) process.exitCode = 1;
    });

  program
    .command('scenario')
    .description('run scenario files; exit code 1 when an expectation fails')
    .argument('<files...>', 'scenario JSON files')
    .option('--url <url>', "the bot server URL (overrides the scenario's)", wsUrl)
    .option(
      '--speed <factor>',
      'clock speed (timings are only meaningful at 1)',
      number('--speed'),
      1,
    )
    .option(
      '--report-dir <dir>',
      'write each scenario call as an HTML page there (<scenario file name>.html)',
    )
    .option('--json', 'print results as JSON')
    .action(async (files: string[], o) => {
      const all = [];
      if (o.reportDir) await mkdir(o.reportDir, { recursive: true });
      for (const file of files) {
        const scenario = await loadScenario(file);
        const result = await runScenario(scenario, {
          ...(o.url && { url: o.url }),
          speed: o.speed,
        });
        all.push(result);
        if (o.reportDir)
          await writeFile(
            join(o.reportDir, `${basename(file).replace(/\.[^.]*$/, '')}.html`),
            await callReportHtml(result.report),
          );
        if (!o.json) console.log(formatScenarioResult(result));
      }
      if (o.json)
        console.log(
          JSON.stringify(
            all.map((r) => ({
              name: r.scenario.name,
              passed: r.passed,
              results: r.results,
              report: reportToJson(r.report),
            })),
            null,
            2,
          ),
        );
      if (all.some((r) => !r.passed)) process.exitCode = 1;
    });

  program
    .command('load')
    .description('open many concurrent calls and print aggregate figures')
    .argument('<url>', 'the bot server WebSocket URL', wsUrl)
    .option('--calls <n>', 'concurrent calls', number('--calls'), 10)
    .option('--ramp <ms>', 'spread the call starts over this long', number('--ramp'), 1000)
    .option('--duration <ms>', 'length of each call', number('--duration'), 30_000)
    .option('--wav <file>', 'what every caller says (looped)', DEFAULT_CALLER)
    .option('--tenant <name>', 'tenant query parameter', 'load')
    .option('--param <key=value>', 'a dynamic query parameter (repeatable)', pair, {})
    .addOption(channelOption())
    .addOption(sideOption())
    .addOption(decodeOption('none'))
    .addOption(mediaCutsStreamOption())
    .option('--json', 'print the summary as JSON')
    .action(async (url: string, o) => {
      const summary = await runLoad({
        url,
        calls: o.calls,
        rampMs: o.ramp,
        durationMs: o.duration,
        caller: await loadCallerAudio(o.wav),
        tenant: o.tenant,
        params: o.param,
        channel: o.channel as PsrChannel,
        ...(o.side && { side: o.side as CallSide }),
        decode: o.decode as DecodeMode,
        mediaCutsStream: o.mediaCutsStream === 'on',
        ...(tty && {
          onCallEnd: (done: number, total: number) =>
            process.stderr.write(`\rcalls ended ${done}/${total}`),
        }),
      });
      if (tty) process.stderr.write('\n');
      console.log(o.json ? JSON.stringify(summary, null, 2) : formatLoadSummary(summary));
      if (summary.connectFailures > 0 || summary.violations > 0) process.exitCode = 1;
    });

  program
    .command('serve-api')
    .description(
      "emulate PSR's create-stream REST API (POST /psr/v1/call/stream) and place the calls it asks for",
    )
    .option('--port <port>', 'HTTP port', number('--port'), 8090)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--token <token>', 'an accepted bearer token (repeatable)', collect, [])
    .option('--wav <file>', 'what the callee says', DEFAULT_CALLER)
    .option(
      '--tail-ms <ms>',
      'stay on the line this long after the recording ends',
      number('--tail-ms'),
      5000,
    )
    .option('--report-dir <dir>', 'write each call as an HTML page there (<call id>.html)')
    .action(async (o) => {
      if (o.token.length === 0)
        throw new SimulatorError('INVALID_OPTION', 'give at least one token', { path: '--token' });
      const api = await startPsrApiEmulator({
        tokens: o.token,
        port: o.port,
        host: o.host,
        callee: await loadCallerAudio(o.wav),
        call: { tailMs: o.tailMs },
        onCall: ({ request, report, error }) => {
          if (report) {
            console.log(`${formatReport(report)}\n`);
            if (o.reportDir) void writeReportPage(o.reportDir, report);
          } else
            console.error(
              `call ${request.callId} to ${request.url} failed: ${(error as Error).message}`,
            );
        },
      });
      if (o.reportDir) await mkdir(o.reportDir, { recursive: true });
      console.log(`PSR API emulator on ${api.url}/psr/v1/call/stream`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await api.close();
    });

  return program;
}

/** Runs the CLI; typed errors become one line on stderr and exit code 2. */
export async function main(argv = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return;
      console.error(`psr-sim: ${error.message.replace(/^error: /, '')} (see psr-sim --help)`);
      process.exitCode = 2;
      return;
    }
    if (error instanceof SimulatorError || isTransportError(error) || isProtocolError(error)) {
      console.error(`psr-sim: ${error.code}: ${error.message}`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
}
