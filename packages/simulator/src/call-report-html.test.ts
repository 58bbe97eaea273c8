/// <reference lib="dom" />
// (The functions passed to page.evaluate run in the browser.)
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { encodeWav } from '@psrkit/protocol';
import { first, firstValueFrom, of } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserIt,
  drawnPixels,
  mediaDuration,
  watchPage,
  withBrowser,
} from '../../../tests/fixtures/browser.js';
import { tone } from '../../line/src/__fixtures__/audio.js';
import { startBotServer } from './__fixtures__/servers.js';
import type { CallReport } from './call-report.js';
import { callReportData, callReportHtml, reportEvents } from './call-report-html.js';
import { placeCall } from './place-call.js';

let report: CallReport;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'psrkit-report-'));
  // A greeting the caller talks over (barge-in, a cut), a streamed reply, a transfer.
  const server = await startBotServer(async (call) => {
    call.play(encodeWav({ sampleRate: 8000, channels: 1, samples: tone(2000, 660) }));
    await firstValueFrom(call.audio$.pipe(first((frame) => frame.startSample >= 600 * 8)));
    call.interrupt();
    await firstValueFrom(call.audio$.pipe(first((frame) => frame.startSample >= 1700 * 8)));
    await call.stream(of(tone(800, 440)), { sampleRate: 8000 }).done;
    call.transfer('101');
  });
  try {
    report = await placeCall({
      url: server.url,
      caller: [{ atMs: 500, samples: tone(1000, 300) }],
      tailMs: 4000,
    });
  } finally {
    await server.close();
  }
}, 30_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the HTML call report', () => {
  it('has one event per measured moment: the turn, its barge-in, its first reply, the cut', () => {
    const kinds = reportEvents(report).map((e) => e.kind);
    expect(kinds).toContain('caller-turn');
    expect(kinds).toContain('barge-in');
    expect(kinds).toContain('first-reply');
    expect(kinds).toContain('cut');
    const [turn] = report.utterances;
    expect(reportEvents(report).find((e) => e.kind === 'first-reply')).toEqual({
      kind: 'first-reply',
      atMs: turn!.endMs + turn!.firstReplyMs!,
      afterMs: turn!.firstReplyMs,
    });
    const data = callReportData(report);
    expect(data.actions).toEqual(report.actions);
    expect(data.call.transfer?.extension).toBe('101');
  });

  browserIt(
    'opens in a real browser with no network: waveforms drawn, a mark per action and event, playable with a cursor',
    async () => {
      const file = join(dir, 'call.html');
      await writeFile(file, await callReportHtml(report));
      await withBrowser(async (browser) => {
        const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
        const seen = watchPage(page);
        await page.goto(pathToFileURL(file).href);
        await page.waitForFunction(() => 'psrReportPage' in window);
        expect(seen.errors).toEqual([]);
        expect(seen.requests.filter((url) => !/^(file|data):/.test(url))).toEqual([]);

        const embedded = JSON.parse(
          (await page.textContent('#psr-report')) ?? 'null',
        ) as ReturnType<typeof callReportData>;
        expect(embedded).toEqual(JSON.parse(JSON.stringify(callReportData(report))));
        expect(await drawnPixels(page)).toBeGreaterThan(5000);
        expect(await page.locator('.lane[data-group="actions"] .mark').count()).toBe(
          embedded.actions.length,
        );
        expect(await page.locator('.lane[data-group="events"] .mark').count()).toBe(
          embedded.events.length,
        );
        // Marks sit on the time axis: a later mark is further right.
        const lefts = await page
          .locator('.mark[data-kind="chunk"]')
          .evaluateAll((marks) => marks.map((m) => (m as HTMLElement).offsetLeft));
        expect(lefts.length).toBeGreaterThan(1);
        expect(lefts).toEqual([...lefts].sort((a, b) => a - b));
        await page.locator('.mark[data-kind="barge-in"]').hover();
        expect(await page.textContent('#details')).toMatch(/barge-in[\s\S]*staleAudioMs: \d+/);
        expect(await page.textContent('.figures')).toContain('transferred');

        // Both tracks play from the page; seeking moves the cursor to that time.
        const heardSeconds = await mediaDuration(page, '#audio-heard');
        expect(heardSeconds).toBeCloseTo(report.heard.length / 8000, 1);
        const cursorAt = async (seconds: number) => {
          await page.$eval(
            '#audio-heard',
            (audio, s) =>
              new Promise<void>((resolve) => {
                audio.addEventListener('seeked', () => resolve(), { once: true });
                (audio as HTMLAudioElement).currentTime = s;
              }),
            seconds,
          );
          return page.$eval('#playhead', (p) => (p as HTMLElement).offsetLeft);
        };
        const early = await cursorAt(0.5);
        const late = await cursorAt(2.5);
        expect(late).toBeGreaterThan(early);
      });
    },
    60_000,
  );

  browserIt(
    'text from the call cannot break out of the page',
    async () => {
      const hostile = { ...report, callId: '</script><script>window.pwned=1</script>' };
      const file = join(dir, 'hostile.html');
      await writeFile(file, await callReportHtml(hostile));
      await withBrowser(async (browser) => {
        const page = await browser.newPage();
        const seen = watchPage(page);
        await page.goto(pathToFileURL(file).href);
        await page.waitForFunction(() => 'psrReportPage' in window);
        expect(seen.errors).toEqual([]);
        expect(await page.evaluate(() => 'pwned' in window)).toBe(false);
        expect(await page.textContent('h1')).toBe(`call ${hostile.callId}`);
      });
    },
    60_000,
  );
});
