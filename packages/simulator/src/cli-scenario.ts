import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { reportToJson } from './call-report.js';
import { callReportHtml } from './call-report-html.js';
import { number, wsUrl } from './cli-options.js';
import { formatScenarioResult, loadScenario, runScenario } from './scenario.js';

/** `psr-sim scenario <files…>`: scenario files run, each expectation judged; exit code 1 when one fails. */
export function addScenarioCommand(program: Command): void {
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
}
