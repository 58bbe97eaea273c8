import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { CallSide } from '@psrkit/pipeline';
import type { PsrChannel } from '@psrkit/protocol';
import { parse as parseYaml } from 'yaml';
import type { CallReport } from './call-report.js';
import { loadCallerAudio } from './caller-audio-file.js';
import type { CallerSegment } from './caller-track.js';
import { SimulatorError } from './errors.js';
import { type PlaceCallOptions, placeCall } from './place-call.js';
import { checkScenarioFile } from './scenario-schema.js';

/** Something the scenario expects of the bot; times are ms on the call's clock. */
export type Expectation =
  /** At least one action of `event` (by `withinMs` from the start, when given). */
  | {
      readonly type: 'action';
      readonly event: 'media' | 'chunk' | 'transfer' | 'hangup';
      readonly withinMs?: number;
    }
  /** The bot answered caller utterance `utterance` (1-based; default every one) within `withinMs` of its end. */
  | { readonly type: 'reply'; readonly utterance?: number; readonly withinMs: number }
  /** At least `minMs` of bot audio on the line in all. */
  | { readonly type: 'bot-audio'; readonly minMs: number }
  /** Each time the caller spoke over the bot, the bot went quiet within `withinMs`. */
  | { readonly type: 'barge-in'; readonly withinMs: number }
  /** The bot transferred the call (to `extension`, when given). */
  | { readonly type: 'transfer'; readonly extension?: string; readonly withinMs?: number }
  /** The bot hung up. */
  | { readonly type: 'hangup'; readonly withinMs?: number }
  /** No action broke the contract. */
  | { readonly type: 'no-violations' }
  /** No gaps inside chunk streams. */
  | { readonly type: 'no-underruns' };

/** A caller script: who calls, what they say when, and what the bot must do. */
export interface Scenario {
  /** Shown in results. */
  readonly name: string;
  /** Where it came from (for messages). */
  readonly source: string;
  /** The bot's URL, unless the runner gives one. */
  readonly url?: string;
  /** The call's tenant (default `sim`). */
  readonly tenant?: string;
  /** Dynamic parameters on the call's URL (`danh_xung`, …). */
  readonly params?: Readonly<Record<string, string>>;
  /** The layout the emulator announces (default `mono_a`). */
  readonly channel?: PsrChannel;
  /** The side of the caller's voice (see `placeCall`'s `side`): `b` for an outbound call. */
  readonly side?: CallSide;
  /** What the caller says, and when. */
  readonly caller: readonly CallerSegment[];
  /** How long the call goes on after the last recording, ms. */
  readonly tailMs?: number;
  /** What the bot must do. */
  readonly expect: readonly Expectation[];
}

/** One expectation's outcome. */
export interface ExpectationResult {
  /** The expectation. */
  readonly expectation: Expectation;
  /** Whether it held. */
  readonly passed: boolean;
  /** What was observed, in words. */
  readonly detail: string;
}

/** A scenario's outcome: the call's report and each expectation's result. */
export interface ScenarioResult {
  /** The scenario run. */
  readonly scenario: Scenario;
  /** Everything the call observed. */
  readonly report: CallReport;
  /** Each expectation's outcome, in the scenario's order. */
  readonly results: readonly ExpectationResult[];
  /** True when every expectation held. */
  readonly passed: boolean;
}

/**
 * Reads a scenario file (JSON, or YAML when it ends in `.yaml`/`.yml`) and the caller
 * recordings it names (paths relative to the file).
 *
 * ```json
 * {
 *   "name": "greets, answers, transfers",
 *   "params": { "danh_xung": "anh" },
 *   "caller": [{ "atMs": 1000, "say": "../samples/hello.wav" }],
 *   "expect": [{ "type": "action", "event": "media", "withinMs": 2000 }, { "type": "no-violations" }]
 * }
 * ```
 * @throws {SimulatorError} `INVALID_SCENARIO` naming the field (`$.caller[0].atMs`), or
 *   `INVALID_CALLER_AUDIO` for a recording it cannot read
 */
export async function loadScenario(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new SimulatorError('INVALID_SCENARIO', `cannot read: ${(cause as Error).message}`, {
      path: path,
      cause,
    });
  }
  const yaml = /\.ya?ml$/i.test(path);
  let root: unknown;
  try {
    root = yaml ? parseYaml(text) : JSON.parse(text);
  } catch (cause) {
    const format = yaml ? 'YAML' : 'JSON';
    throw new SimulatorError('INVALID_SCENARIO', `not ${format}: ${(cause as Error).message}`, {
      path: path,
      cause,
    });
  }
  return parseScenario(root, path, (wav) => loadCallerAudio(resolve(dirname(path), wav)));
}

/**
 * Checks a parsed scenario against the published JSON Schema
 * (`@psrkit/simulator/scenario.schema.json`); `load` reads the recordings its `say` fields name.
 */
export async function parseScenario(
  root: unknown,
  source: string,
  load: (wav: string) => Promise<Int16Array>,
): Promise<Scenario> {
  const file = checkScenarioFile(root);
  const caller: CallerSegment[] = [];
  for (const { atMs, say } of file.caller) caller.push({ atMs, samples: await load(say) });
  return {
    name: file.name ?? source,
    source,
    caller,
    // The schema admits exactly the Expectation shapes.
    expect: file.expect as unknown as Expectation[],
    ...(file.url !== undefined && { url: file.url }),
    ...(file.tenant !== undefined && { tenant: file.tenant }),
    ...(file.params !== undefined && { params: file.params }),
    ...(file.channel !== undefined && { channel: file.channel }),
    ...(file.side !== undefined && { side: file.side }),
    ...(file.tailMs !== undefined && { tailMs: file.tailMs }),
  };
}

const ms = (value: number) => `${Math.round(value)} ms`;

/** Checks a call's report against expectations (pure: no sockets). */
export function checkExpectations(
  report: CallReport,
  expectations: readonly Expectation[],
): ExpectationResult[] {
  return expectations.map((expectation) => checkExpectation(report, expectation));
}

function checkExpectation(report: CallReport, expectation: Expectation): ExpectationResult {
  const result = (passed: boolean, detail: string): ExpectationResult => ({
    expectation,
    passed,
    detail,
  });
  const inTime = (atMs: number | undefined, withinMs: number | undefined) =>
    atMs !== undefined && (withinMs === undefined || atMs <= withinMs);
  switch (expectation.type) {
    case 'action': {
      const first = report.actions.find((a) => a.type === expectation.event);
      return result(
        inTime(first?.atMs, expectation.withinMs),
        first
          ? `first ${expectation.event} at ${ms(first.atMs)}`
          : `no ${expectation.event} action`,
      );
    }
    case 'reply': {
      const chosen =
        expectation.utterance === undefined
          ? report.utterances.map((u, i) => [u, i + 1] as const)
          : [[report.utterances[expectation.utterance - 1], expectation.utterance] as const];
      const missing = chosen.filter(([u]) => u === undefined);
      if (missing.length > 0 || chosen.length === 0)
        return result(false, `the caller made ${report.utterances.length} utterance(s)`);
      const late = chosen.filter(
        ([u]) => u!.firstReplyMs === undefined || u!.firstReplyMs > expectation.withinMs,
      );
      const times = chosen.map(
        ([u, n]) => `#${n}: ${u!.firstReplyMs === undefined ? 'no reply' : ms(u!.firstReplyMs)}`,
      );
      return result(late.length === 0, `first reply ${times.join(', ')}`);
    }
    case 'bot-audio':
      return result(
        report.summary.botAudioMs >= expectation.minMs,
        `${ms(report.summary.botAudioMs)} of bot audio`,
      );
    case 'barge-in': {
      const stops = report.utterances.flatMap((u) =>
        u.bargeIn ? [u.bargeIn.botStoppedAfterMs] : [],
      );
      if (stops.length === 0) return result(false, 'the caller never spoke over the bot');
      return result(
        stops.every((s) => s <= expectation.withinMs),
        `the bot went quiet ${stops.map(ms).join(', ')} after the caller started`,
      );
    }
    case 'transfer': {
      const t = report.transfer;
      const extensionOk = !expectation.extension || t?.extension === expectation.extension;
      return result(
        extensionOk && inTime(t?.atMs, expectation.withinMs),
        t ? `transferred to ${t.extension} at ${ms(t.atMs)}` : 'no transfer',
      );
    }
    case 'hangup':
      return result(
        inTime(report.hangup?.atMs, expectation.withinMs),
        report.hangup ? `hung up at ${ms(report.hangup.atMs)}` : 'no hangup',
      );
    case 'no-violations':
      return result(
        report.violations.length === 0,
        report.violations.length === 0
          ? 'no violations'
          : report.violations.map((v) => `${v.code} at ${ms(v.atMs)}`).join('; '),
      );
    case 'no-underruns':
      return result(
        report.underruns.length === 0,
        `${report.underruns.length} underrun(s), ${ms(report.summary.underrunMs)} of gaps`,
      );
  }
}

/** Places the scenario's call and checks its expectations. */
export async function runScenario(
  scenario: Scenario,
  options: Partial<Omit<PlaceCallOptions, 'caller'>> = {},
): Promise<ScenarioResult> {
  const url = options.url ?? scenario.url;
  if (!url)
    throw new SimulatorError('INVALID_OPTION', `scenario ${scenario.name} has no url; pass one`, {
      path: 'url',
    });
  const report = await placeCall({
    ...(scenario.tenant !== undefined && { tenant: scenario.tenant }),
    ...(scenario.params !== undefined && { params: scenario.params }),
    ...(scenario.channel !== undefined && { channel: scenario.channel }),
    ...(scenario.side !== undefined && { side: scenario.side }),
    ...(scenario.tailMs !== undefined && { tailMs: scenario.tailMs }),
    ...options,
    url,
    caller: scenario.caller,
  });
  const results = checkExpectations(report, scenario.expect);
  return { scenario, report, results, passed: results.every((r) => r.passed) };
}

/** The results as text: one ✓/✗ line per expectation. */
export function formatScenarioResult(result: ScenarioResult): string {
  const lines = [`scenario: ${result.scenario.name}`];
  for (const r of result.results)
    lines.push(`  ${r.passed ? '✓' : '✗'} ${describeExpectation(r.expectation)}: ${r.detail}`);
  lines.push(result.passed ? 'PASSED' : 'FAILED');
  return lines.join('\n');
}

function describeExpectation(e: Expectation): string {
  const within = 'withinMs' in e && e.withinMs !== undefined ? ` within ${ms(e.withinMs)}` : '';
  switch (e.type) {
    case 'action':
      return `a ${e.event} action${within}`;
    case 'reply':
      return `a reply to ${e.utterance === undefined ? 'each utterance' : `utterance ${e.utterance}`}${within}`;
    case 'bot-audio':
      return `at least ${ms(e.minMs)} of bot audio`;
    case 'barge-in':
      return `barge-in stops the bot${within}`;
    case 'transfer':
      return `transfer${e.extension ? ` to ${e.extension}` : ''}${within}`;
    case 'hangup':
      return `hangup${within}`;
    case 'no-violations':
      return 'no contract violations';
    case 'no-underruns':
      return 'no underruns';
  }
}
