#!/usr/bin/env node
// API reports: one `api/<name>.api.md` per entry point of every publishable package, in
// api-extractor's format, read from the built `.d.ts` (run `pnpm build` first). A change to
// a package's public surface shows up in review as a change to its report.
//
//   pnpm api            rewrites the reports
//   pnpm api --check    writes nothing in the repository; exits 1 and names each entry
//                       point whose surface differs from its committed report
//                       (tests/api-report.test.ts runs this in CI)
//   pnpm api pipeline agent
//                       only these packages (folder names under packages/)
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const root = resolve(import.meta.dirname, '..');
const check = process.argv.includes('--check');
const only = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const temp = mkdtempSync(join(tmpdir(), 'psrkit-api-'));

/** Every entry point with types: [package dir, manifest, report name, .d.ts path]. */
const names = only.length > 0 ? only : readdirSync(join(root, 'packages'));
const entries = names.flatMap((name) => {
  const dir = join(root, 'packages', name);
  if (!existsSync(join(dir, 'package.json'))) return []; // a folder being made, not a package
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (manifest.private) return [];
  return Object.entries(manifest.exports)
    .filter(([, target]) => typeof target === 'object' && target.types)
    .map(([subpath, target]) => ({
      dir,
      report: subpath === '.' ? name : `${name}-${subpath.slice(2).replaceAll('/', '-')}`,
      types: join(dir, target.types),
    }));
});

const changed = [];
try {
  for (const { dir, report, types } of entries) {
    if (!check) mkdirSync(join(dir, 'api'), { recursive: true });
    const config = ExtractorConfig.prepare({
      configObject: {
        projectFolder: dir,
        mainEntryPointFilePath: types,
        bundledPackages: [],
        compiler: {
          overrideTsconfig: {
            compilerOptions: {
              module: 'NodeNext',
              moduleResolution: 'NodeNext',
              target: 'ES2022',
              strict: true,
              skipLibCheck: true,
              types: ['node'],
            },
            files: [types],
          },
        },
        apiReport: {
          enabled: true,
          reportFolder: join(dir, 'api'),
          reportTempFolder: temp,
          reportFileName: report,
        },
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
        newlineKind: 'lf',
        messages: {
          // Our surface is public as a whole (no release tags); what the checker notices
          // (a type used but not exported, say) goes into the report for review.
          extractorMessageReporting: {
            default: { logLevel: 'none', addToApiReportFile: true },
            'ae-missing-release-tag': { logLevel: 'none', addToApiReportFile: false },
          },
          tsdocMessageReporting: { default: { logLevel: 'none', addToApiReportFile: false } },
          compilerMessageReporting: { default: { logLevel: 'warning' } },
        },
      },
      configObjectFullPath: undefined,
      packageJsonFullPath: join(dir, 'package.json'),
    });
    const result = Extractor.invoke(config, {
      localBuild: !check,
      messageCallback: (message) => {
        if (message.logLevel !== 'warning' && message.logLevel !== 'error') message.handled = true;
      },
    });
    if (result.apiReportChanged) changed.push(`${report} (${join(dir, 'api')})`);
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}

if (check && changed.length > 0) {
  console.error(
    `the public API changed; run \`pnpm api\` and commit the reports: ${changed.join(', ')}`,
  );
  process.exit(1);
}
console.log(
  check
    ? `${entries.length} API reports match`
    : `${entries.length} API reports written${changed.length ? ` (${changed.length} changed)` : ''}`,
);
