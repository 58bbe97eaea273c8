// The doc-test tool itself (tests/fixtures/doc-blocks.ts, doc-run.ts): what its markers
// mean, and that a doc which disagrees with what runs fails naming the doc and the block —
// on small pages written here, so each failure is the one meant. Then every guide parses:
// each of its blocks runs, or says why not.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { docBlocks } from './fixtures/doc-blocks.js';
import { runDoc } from './fixtures/doc-run.js';
import { freePort } from './fixtures/free-port.js';
import { outputMismatch } from './fixtures/output-shape.js';
import { root } from './fixtures/packed.js';
import { userEnv } from './fixtures/run-command.js';

const dir = mkdtempSync(join(tmpdir(), 'psrkit-doc-tool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fence = (lang: string, code: string, marker?: string) =>
  `${marker ? `<!-- doc-test: ${marker} -->\n` : ''}\`\`\`${lang}\n${code}\n\`\`\`\n`;
/** A page `name` in the temp folder, made of the blocks given; returns its blocks. */
const page = (name: string, ...blocks: string[]) => {
  writeFileSync(join(dir, name), `# ${name}\n\nSome text.\n\n${blocks.join('\nMore text.\n\n')}`);
  return docBlocks(dir, name);
};
const runPage = async (name: string, ...blocks: string[]) => {
  const cwd = mkdtempSync(join(dir, 'reader-'));
  return runDoc(page(name, ...blocks), {
    cwd,
    mode: 'tarballs',
    port: await freePort(),
    env: userEnv(),
  });
};

// A server on the docs' port that exits 0 on SIGTERM.
const SERVER = `import { createServer } from 'node:http';
const server = createServer((_, res) => res.end('ok')).listen(Number(process.argv[2]), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));`;

describe('sample output, by shape', () => {
  it('takes figures, ids, details and lists of values (or none) as some value', () => {
    const doc =
      'call 0e8a7c1d-1111-4222-8333-944455556666 (mono_a)\nfirst reply after each utterance: none\nunderruns 0 (0 ms)';
    const printed = [
      'call 04f5479c-dc29-43f9-b647-c78acec35783 (mono_a, stream decoding)',
      '0:00.606  UNDERRUN: 17 ms of silence inside a chunk stream',
      'first reply after each utterance: 50 ms, 47 ms',
      'underruns 14 (1840 ms)',
    ].join('\n');
    expect(outputMismatch(doc, printed)).toBeUndefined();
  });

  it("takes a call's timeline in any order (its times are figures), but every line of it", () => {
    const doc = [
      '0:00.000  connected',
      '0:00.070  bot stream plays 2664 ms',
      '0:01.020  caller speaks for 1720 ms',
      '0:02.745  ← transfer to 101',
      '',
      'transferred to 101',
    ].join('\n');
    // A busy machine: the greeting starts after the caller's first words, with underruns.
    const late = [
      '0:00.000  connected',
      '0:01.020  caller speaks for 3180 ms',
      '0:01.898  bot stream plays 72 ms',
      '0:01.970  UNDERRUN: 135 ms of silence inside a chunk stream',
      '0:02.105  bot stream plays 144 ms',
      '0:06.144  ← transfer to 101',
      '',
      'transferred to 101',
    ];
    expect(outputMismatch(doc, late.join('\n'))).toBeUndefined();
    const noTransfer = late.filter((line) => !line.includes('transfer to'));
    expect(outputMismatch(doc, noTransfer.join('\n'))?.split('\n')[0]).toBe(
      'the doc shows "0:02.745  ← transfer to 101", not printed (in order, figures aside); printed:',
    );
    // Lines after the timeline still come after it.
    const summaryFirst = ['transferred to 101', '', ...late.slice(0, -2)];
    expect(outputMismatch(doc, summaryFirst.join('\n'))?.split('\n')[0]).toBe(
      'the doc shows "transferred to 101", not printed (in order, figures aside); printed:',
    );
  });

  it('fails on a word the doc shows and the command did not print, naming the line', () => {
    const mismatch = outputMismatch('transferred to 101', 'hung up by the bot');
    expect(mismatch?.split('\n')[0]).toBe(
      'the doc shows "transferred to 101", not printed (in order, figures aside); printed:',
    );
  });
});

describe('markers', () => {
  it('give each block its role; shell blocks run unless marked', () => {
    const blocks = page(
      'roles.md',
      fence('sh', 'echo run'),
      fence('sh', 'echo only here', 'registry'),
      fence('ts', 'export {};', 'file src/a.ts'),
      fence('text', 'run', 'output'),
      fence('sh', 'git clone x', 'skip the suite is in a clone'),
    );
    expect(blocks.map((block) => [block.line, block.role])).toEqual([
      [5, { kind: 'run' }],
      [12, { kind: 'run', only: 'registry' }],
      [19, { kind: 'file', path: 'src/a.ts' }],
      [26, { kind: 'output' }],
      [33, { kind: 'skip', why: 'the suite is in a clone' }],
    ]);
  });

  it('a block of code with no marker in a guide is an error naming it', () => {
    expect(() => page('unmarked.md', fence('ts', 'console.log(1);'))).toThrow(
      'unmarked.md:5 (ts): a ts block needs a doc-test marker',
    );
  });

  it('an unknown marker is an error naming it', () => {
    expect(() => page('unknown.md', fence('sh', 'ls', 'run-twice'))).toThrow(
      'unknown.md:6 (sh): unknown doc-test marker "run-twice" on a sh block',
    );
  });
});

describe('a page that disagrees with what runs fails, naming the page and the block', () => {
  it('a command that fails', async () => {
    await expect(
      runPage('fails.md', fence('sh', 'echo one'), fence('sh', 'ls no-such-file')),
    ).rejects.toThrow(/^fails\.md:11 \(sh\) failed \(exit code 2\):\nls no-such-file\n/);
  });

  it('output that was not printed (numbers aside)', async () => {
    const run = runPage(
      'output.md',
      fence('sh', 'echo "took 12 ms"; echo done'),
      fence('text', 'took 3 ms\nfailed', 'output'),
    );
    await expect(run).rejects.toThrow(
      /^output\.md:12 \(text\) differs from what ran:\nthe doc shows "failed", not printed/,
    );
  });

  it('but not figures: numbers, ids and parenthesised details vary from run to run', async () => {
    const printed =
      'call 4d978004-3ae5-4cca-b083-c373b3f1913c (mono_a)\nbarge-ins 0; underruns 5 (516 ms)';
    const shown =
      'call 4889d8d1-53f3-411f-9bf4-5d486f61f5d0 (mono_a)\nbarge-ins 1 (p50 1320 ms); underruns 0 (0 ms)';
    await expect(
      runPage('figures.md', fence('sh', `printf '${printed}\\n'`), fence('text', shown, 'output')),
    ).resolves.toMatchObject({ stopped: [] });
  });

  it('a server that a wrapper keeps from its SIGTERM: the orphan is named, then killed', async () => {
    const run = runPage(
      'wrapper.md',
      fence('js', SERVER, 'file server.mjs'),
      fence('sh', "bash -c 'node server.mjs 8080; exit'", 'background'),
    );
    await expect(run).rejects.toThrow(
      /^wrapper\.md:15 \(sh\): SIGTERM did not stop the server cleanly .*still running: node server\.mjs \d+/,
    );
  });
});

it('runs a page as a reader does: files where the reader is, `cd` carried over, a server stopped by SIGTERM', async () => {
  const result = await runPage(
    'reader.md',
    fence('sh', 'mkdir app && cd app'),
    fence('js', SERVER, 'file server.mjs'),
    fence('sh', 'node server.mjs 8080', 'background'),
    fence(
      'sh',
      'node -e "fetch(\'http://127.0.0.1:8080/\').then((r) => r.text()).then(console.log)"',
    ),
    fence('text', 'ok', 'output'),
    fence('sh', 'exit 1', 'registry'),
  );
  expect(result.cwd).toMatch(/\/app$/);
  expect(readFileSync(join(result.cwd, 'server.mjs'), 'utf8')).toContain('createServer');
  expect(result.stopped).toEqual([
    { block: 'reader.md:21 (sh)', stop: { code: 0, signal: null, left: [] } },
  ]);
});

it.each(['README.md', 'README.vi.md', 'docs/build-a-bot.md', 'docs/plugins.md'])(
  '%s: every block runs, or its marker says why not',
  (doc) => {
    const blocks = docBlocks(root, doc);
    expect(blocks.length).toBeGreaterThan(0);
  },
);
