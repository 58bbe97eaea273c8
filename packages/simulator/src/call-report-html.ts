import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { encodeWav, PSR_SAMPLE_RATE } from '@psrkit/protocol';
import type { ActionRecord, CallReport, CallSummary } from './call-report.js';

/** A measured moment of the call, as the HTML report shows and embeds it. */
export type ReportEvent =
  | { readonly kind: 'caller-turn'; readonly atMs: number; readonly endMs: number }
  | {
      readonly kind: 'barge-in';
      readonly atMs: number;
      /** How long the caller went on hearing the bot after starting to speak. */
      readonly staleAudioMs: number;
    }
  | {
      readonly kind: 'first-reply';
      readonly atMs: number;
      /** From the end of the caller's turn to the bot's first new audio. */
      readonly afterMs: number;
    }
  | { readonly kind: 'underrun'; readonly atMs: number; readonly gapMs: number }
  | { readonly kind: 'cut'; readonly atMs: number; readonly cutMs: number; readonly by: string }
  | { readonly kind: 'talk-over'; readonly atMs: number; readonly overlapMs: number }
  | {
      readonly kind: 'violation';
      readonly atMs: number;
      readonly code: string;
      readonly message: string;
    };

/**
 * What the page draws from, embedded as `<script type="application/json" id="psr-report">`
 * for tools and tests: the call, every action with its time, every measured event, the
 * summary figures.
 */
export interface CallReportData {
  /** The format's version: 1. */
  readonly version: 1;
  /** The call: its id, layout, decode mode, length, and how it ended. */
  readonly call: {
    readonly callId: string;
    readonly channel: CallReport['channel'];
    readonly decode: CallReport['decode'];
    readonly durationMs: number;
    readonly end: CallReport['end'];
    readonly transfer?: CallReport['transfer'];
    readonly hangup?: CallReport['hangup'];
  };
  /** The summary figures shown at the top. */
  readonly summary: CallSummary;
  /** Every action the bot sent, with its time. */
  readonly actions: readonly ActionRecord[];
  /** Every measured event (turns, barge-ins, underruns, replies, cuts), in time order. */
  readonly events: readonly ReportEvent[];
}

/** The measured events of a report, in time order. */
export function reportEvents(report: CallReport): ReportEvent[] {
  const events: ReportEvent[] = [];
  for (const u of report.utterances) {
    events.push({ kind: 'caller-turn', atMs: u.startMs, endMs: u.endMs });
    if (u.bargeIn)
      events.push({ kind: 'barge-in', atMs: u.startMs, staleAudioMs: u.bargeIn.botStoppedAfterMs });
    if (u.firstReplyMs !== undefined)
      events.push({ kind: 'first-reply', atMs: u.endMs + u.firstReplyMs, afterMs: u.firstReplyMs });
  }
  for (const u of report.underruns) events.push({ kind: 'underrun', ...u });
  for (const c of report.cuts) events.push({ kind: 'cut', ...c });
  for (const t of report.talkOver) events.push({ kind: 'talk-over', ...t });
  for (const v of report.violations)
    events.push({ kind: 'violation', atMs: v.atMs, code: v.code, message: v.message });
  return events.sort((a, b) => a.atMs - b.atMs);
}

/** The report's data for the page (and any tool): no audio. */
export function callReportData(report: CallReport): CallReportData {
  return {
    version: 1,
    call: {
      callId: report.callId,
      channel: report.channel,
      decode: report.decode,
      durationMs: report.durationMs,
      end: report.end,
      ...(report.transfer && { transfer: report.transfer }),
      ...(report.hangup && { hangup: report.hangup }),
    },
    summary: report.summary,
    actions: report.actions,
    events: reportEvents(report),
  };
}

const WAVE_STEP_MS = 10;

/** Lowest and highest sample in each 10 ms: enough to draw a waveform at any page width. */
function envelope(pcm: Int16Array, samples: number): { min: number[]; max: number[] } {
  const step = (WAVE_STEP_MS * PSR_SAMPLE_RATE) / 1000;
  const buckets = Math.ceil(samples / step);
  const min = new Array<number>(buckets).fill(0);
  const max = new Array<number>(buckets).fill(0);
  for (let b = 0; b < buckets; b++) {
    let lo = 0;
    let hi = 0;
    for (let i = b * step, end = Math.min(pcm.length, i + step); i < end; i++) {
      const v = pcm[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    min[b] = lo;
    max[b] = hi;
  }
  return { min, max };
}

const require = createRequire(import.meta.url);
const asset = (name: string) =>
  readFile(new URL(`../report-page/${name}`, import.meta.url), 'utf8');
/** The chart library and the page's own script and style: read once, for every page. */
let assets: Promise<[string, string, string, string]> | undefined;
const pageAssets = () =>
  (assets ??= Promise.all([
    readFile(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    readFile(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    asset('call-report.js'),
    asset('call-report.css'),
  ]).catch((error: unknown) => {
    assets = undefined; // a failed read is tried again by the next page
    throw error;
  }));

/** JSON safe inside a `<script>` element (no `</script>` can end it early). */
const scriptJson = (value: unknown) =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028|\u2029/g, ' ');
const html = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const wavUri = (samples: Int16Array) =>
  `data:audio/wav;base64,${Buffer.from(encodeWav({ sampleRate: PSR_SAMPLE_RATE, channels: 1, samples })).toString('base64')}`;

/** The figures at the top of the page: label, value, and whether it is a problem. */
function figures(data: CallReportData): [string, string, boolean][] {
  const s = data.summary;
  const ms = (v: number) => `${Math.round(v)} ms`;
  const end = data.call.end;
  return [
    ['duration', ms(data.call.durationMs), false],
    ['ended', `by ${end.by} (${end.code}${end.reason ? ` ${end.reason}` : ''})`, false],
    [
      'actions',
      Object.entries(s.actions)
        .map(([type, n]) => `${type} ${n}`)
        .join(', '),
      false,
    ],
    ['bot audio', ms(s.botAudioMs), false],
    [
      'first reply after each turn',
      s.firstReplyMs.length ? s.firstReplyMs.map(ms).join(', ') : 'none',
      false,
    ],
    [
      'barge-ins (stale audio p50 / max)',
      s.staleAudioMs
        ? `${s.bargeIns} (${ms(s.staleAudioMs.p50)} / ${ms(s.staleAudioMs.max)})`
        : String(s.bargeIns),
      false,
    ],
    ['underruns', `${s.underrunCount} (${ms(s.underrunMs)})`, s.underrunCount > 0],
    [
      'margin p1 / p50',
      s.marginMs ? `${ms(s.marginMs.p1)} / ${ms(s.marginMs.p50)}` : 'none',
      false,
    ],
    ['violations', String(s.violations), s.violations > 0],
    ...(data.call.transfer
      ? [['transferred', `to ${data.call.transfer.extension}`, false] as [string, string, boolean]]
      : []),
  ];
}

/**
 * The call as one self-contained HTML page (no network): the two tracks as waveforms on
 * one time axis (uPlot, inlined), the actions and measured events as marks with details on
 * hover, the summary figures, and both tracks playable with a moving cursor. The data is
 * embedded as JSON (`#psr-report`, a {@link CallReportData}).
 */
export async function callReportHtml(report: CallReport): Promise<string> {
  const data = callReportData(report);
  const samples = Math.round((report.durationMs * PSR_SAMPLE_RATE) / 1000);
  const waves = {
    stepMs: WAVE_STEP_MS,
    caller: envelope(report.caller, samples),
    heard: envelope(report.heard, samples),
  };
  const [uplot, uplotCss, pageJs, pageCss] = await pageAssets();
  const title = `call ${data.call.callId}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; media-src data:; img-src data:">
<title>${html(title)}</title>
<style>${uplotCss}</style>
<style>${pageCss}</style>
</head>
<body>
<h1>${html(title)}</h1>
<div class="sub">${html(`${data.call.channel}, ${data.call.decode} decoding — psr-sim call report`)}</div>
<div class="figures">${figures(data)
    .map(
      ([label, value, bad]) =>
        `<div class="figure${bad ? ' bad' : ''}">${html(label)}<b>${html(value)}</b></div>`,
    )
    .join('')}</div>
<div class="controls">
<span>caller</span><audio id="audio-caller" controls preload="auto" src="${wavUri(report.caller)}"></audio>
<span>heard</span><audio id="audio-heard" controls preload="auto" src="${wavUri(report.heard)}"></audio>
</div>
<div id="chart"></div>
<div id="lanes"></div>
<div id="details">hover over a mark for its details</div>
<script type="application/json" id="psr-report">${scriptJson(data)}</script>
<script type="application/json" id="psr-waveforms">${scriptJson(waves)}</script>
<script>${uplot}</script>
<script>${pageJs}</script>
</body>
</html>
`;
}
