import { writeFile } from 'node:fs/promises';
import type { DecodeMode } from '@psrkit/line';
import type { CallSide } from '@psrkit/pipeline';
import { encodeWav, interleaveStereo, type PsrChannel } from '@psrkit/protocol';
import type { Command } from 'commander';
import { type CallReport, formatReport, reportToJson, type TimelineEntry } from './call-report.js';
import { callReportHtml } from './call-report-html.js';
import { loadCallerAudio } from './caller-audio-file.js';
import {
  channelOption,
  DEFAULT_CALLER,
  decodeOption,
  mediaCutsStreamOption,
  number,
  pair,
  readCa,
  sideOption,
  tty,
  wsUrl,
} from './cli-options.js';
import { placeCall } from './place-call.js';

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

/** `psr-sim call <url>`: one call, its timeline, what the caller heard and the page. */
export function addCallCommand(program: Command): void {
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
    .option(
      '--ca <file>',
      'for wss://: trust the certificates in this PEM file instead of the system ones (a private CA, a self-signed server)',
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
        ...(o.ca && { ca: await readCa(o.ca) }),
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
}
