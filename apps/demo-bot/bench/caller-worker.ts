// The worker behind `startCallers()`: places each batch of calls and answers with their figures.
import { parentPort } from 'node:worker_threads';
import { type CallReport, placeCall } from '@psrkit/simulator';
import type { CallFigures, CallsAnswer, CallsRequest } from './emulated-callers.js';

/** The figures the benchmark reads from one call's report. */
function figuresOf(report: CallReport, overFromMs: number): CallFigures {
  const over = report.utterances.find((u) => u.startMs >= overFromMs);
  const streams = report.botAudio.filter((b) => b.kind === 'stream');
  const streamStart = streams[0]?.startMs ?? 0;
  return {
    stopMs: over?.bargeIn?.botStoppedAfterMs,
    underrunCount: report.summary.underrunCount,
    underrunMs: report.summary.underrunMs,
    underrunsAtMs: report.underruns.map((u) => u.atMs - streamStart),
    streamMs: streams.reduce((sum, b) => sum + b.endMs - b.startMs, 0),
    margins: report.margins,
    violations: report.summary.violations,
  };
}

const port = parentPort!;
port.on('message', (request: CallsRequest) => {
  const answer = (message: CallsAnswer) => port.postMessage(message);
  Promise.all(
    request.calls.map((call) =>
      placeCall({ url: request.url, caller: call.caller, tailMs: call.tailMs }),
    ),
  ).then(
    (reports) =>
      answer({ id: request.id, calls: reports.map((r) => figuresOf(r, request.overFromMs)) }),
    (error: unknown) => answer({ id: request.id, error: String(error) }),
  );
});
