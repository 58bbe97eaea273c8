import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { CallLogEntry } from './call-log.js';
import { openCallLogFile } from './call-log-file.js';
import { type CallReport, formatReport } from './call-report.js';
import { callReportHtml } from './call-report-html.js';
import { loadCallees } from './callees-file.js';
import { loadCallerAudio } from './caller-audio-file.js';
import { collect, DEFAULT_CALLER, number } from './cli-options.js';
import { SimulatorError } from './errors.js';
import { startPsrApiEmulator } from './psr-api-emulator.js';

async function writeReportPage(dir: string, report: CallReport): Promise<void> {
  const name = `${report.callId.replace(/[^\w.-]/g, '_').slice(0, 100)}.html`;
  try {
    await writeFile(join(dir, name), await callReportHtml(report));
    console.log(`the call as a page: ${join(dir, name)}`);
  } catch (error) {
    console.error(`psr-sim: cannot write ${join(dir, name)}: ${(error as Error).message}`);
  }
}

/** One line for a call that never reached the bot, or a refused request. */
function describeOutcome(entry: CallLogEntry): string | undefined {
  if (entry.event === 'request' && entry.status !== 200)
    return `refused ${entry.destination ?? 'a request'}: ${entry.status} ${entry.code} ${entry.message}`;
  if (entry.event === 'close' && !entry.opened)
    return `call ${entry.callId} to ${entry.destination}: ${entry.reason} (${entry.by})`;
  return undefined;
}

/** `psr-sim serve-api`: PSR's create-stream REST API, emulated; it places the calls it is asked for. */
export function addServeApiCommand(program: Command): void {
  program
    .command('serve-api')
    .description(
      "emulate PSR's create-stream REST API (POST /psr/v1/call/stream) and place the calls it asks for",
    )
    .option('--port <port>', 'HTTP port', number('--port'), 8090)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--token <token>', 'an accepted bearer token (repeatable)', collect, [])
    .option('--wav <file>', 'what the callee says when no callee rule decides', DEFAULT_CALLER)
    .option(
      '--tail-ms <ms>',
      'stay on the line this long after the recording ends',
      number('--tail-ms'),
      5000,
    )
    .option(
      '--callees <file>',
      'what happens to each call, by destination number (JSON; see callees.schema.json)',
    )
    .option('--log <file>', 'write the witness log there, as JSON Lines')
    .option('--report-dir <dir>', 'write each call as an HTML page there (<call id>.html)')
    .action(async (o) => {
      if (o.token.length === 0)
        throw new SimulatorError('INVALID_OPTION', 'give at least one token', { path: '--token' });
      const callees = o.callees ? await loadCallees(o.callees) : undefined;
      const logFile = o.log ? await openCallLogFile(o.log) : undefined;
      const api = await startPsrApiEmulator({
        tokens: o.token,
        port: o.port,
        host: o.host,
        callee: await loadCallerAudio(o.wav),
        ...(callees && { callees }),
        call: { tailMs: o.tailMs },
        onLog: (entry) => {
          logFile?.write(entry);
          const line = describeOutcome(entry);
          if (line) console.log(line);
        },
        onCall: ({ request, report, error }) => {
          if (report) {
            console.log(`${formatReport(report)}\n`);
            if (o.reportDir) void writeReportPage(o.reportDir, report);
          } else if (error)
            console.error(
              `call ${request.callId} to ${request.url} failed: ${(error as Error).message}`,
            );
        },
      }).catch(async (error: unknown) => {
        await logFile?.close();
        throw error;
      });
      if (o.reportDir) await mkdir(o.reportDir, { recursive: true });
      console.log(`PSR API emulator on ${api.url}/psr/v1/call/stream`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await api.close();
      await logFile?.close();
    });
}
