/// <reference lib="dom" />
// (The functions passed to page.evaluate and waitForFunction run in the browser.)
// The campaign pages in a real browser (Debian's chromium), on a server running a campaign
// dialled through PSR's create-stream API emulated with callees.
import type { CalleeRules } from '@psrkit/simulator';
import type { Bot } from '@psrkit/transport';
import { expect } from 'vitest';
import { browserIt, drawnPixels, watchPage, withBrowser } from '../../../tests/fixtures/browser.js';
import { recordRow } from '../../../tests/fixtures/reliability-rows.js';
import { ADMIN_TOKEN, startCampaignServer } from './__fixtures__/campaign-server.js';

/** Contact text meant to break out of the page: it must stay text. */
const HOSTILE_ID = '<img src=x onerror="window.pwned=1">';
const HOSTILE_NAME = '</script><script>window.pwned=2</script>';
const CONTACTS = [
  { contact_id: HOSTILE_ID, phone: '0912345001', danh_xung: HOSTILE_NAME },
  { contact_id: 'k2', phone: '0912345002', danh_xung: 'chị' },
  { contact_id: 'k3', phone: '0912345003', danh_xung: 'anh' },
]
  .map((row) => JSON.stringify(row))
  .join('\n');
/** Everyone answers and stays on the line until the bot hangs up. */
const callees: CalleeRules = { rules: [], default: { type: 'silence', ringMs: 50, maxMs: 30_000 } };

browserIt(
  'the campaign page shows progress, outcomes as a chart and the live call; it pauses and resumes; contact text stays text',
  async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Notes who it spoke to; stays on the call until the test lets it go.
    const bot: Bot = async (call) => {
      call.setResult({ spoke_to: call.params['danh_xung'] ?? '' });
      await Promise.race([held, call.closed]);
      if (call.state === 'open') call.hangup();
    };
    const app = await startCampaignServer({ bot, callees });
    try {
      const created = await app.api('/api/campaigns', {
        body: {
          id: 'june',
          name: '<b onclick="window.pwned=3">June</b>',
          format: 'jsonl',
          contacts: CONTACTS,
          policy: { maxConcurrent: 1, callsPerSecond: 20, maxAttempts: 1, schedule: '00:00-24:00' },
          start: true,
        },
      });
      expect(created.status, created.text).toBe(201);
      await withBrowser(async (browser) => {
        const page = await browser.newPage();
        const seen = watchPage(page);
        await page.goto(`${app.base}/campaigns/june?token=${ADMIN_TOKEN}`);
        await page.waitForSelector('body[data-state="running"]');
        expect(await page.textContent('#title')).toBe(
          'campaign june — <b onclick="window.pwned=3">June</b>',
        );

        // The first call is live (one at a time): listed, linked to its own page.
        const callRow = page.locator('#calls tr[data-call-id]');
        await callRow.waitFor();
        const callId = (await callRow.getAttribute('data-call-id')) as string;
        expect(await callRow.locator('td.state').textContent()).toBe('open');
        const href = (await callRow.locator('a').getAttribute('href')) as string;
        // Its own page: /calls/<tenant>/<id> (two tenants may use the same id).
        expect(href).toMatch(/^\/calls\/[^/?]+\/[^/?]+\?token=/);
        expect(href.endsWith(`/${encodeURIComponent(callId)}?token=${ADMIN_TOKEN}`)).toBe(true);
        const callPage = await browser.newPage();
        const callSeen = watchPage(callPage);
        await callPage.goto(`${app.base}${href}`);
        await callPage.waitForSelector('dd[data-fact="state"]');
        expect(await callPage.textContent('#title')).toBe(`call ${callId}`);

        // Pause: no new dial while the call goes on; it ends and is in the table.
        await page.click('#pause');
        await page.waitForSelector('body[data-state="paused"]');
        expect(await page.textContent('#result')).toBe('✓ paused');
        expect((await app.api('/api/campaigns/june')).body.state).toBe('paused');
        release();
        await page.waitForFunction(
          () =>
            document.querySelector('#attempts tr')?.getAttribute('data-outcome') === 'completed',
        );
        await page.waitForFunction(() => document.getElementById('calls')?.dataset['live'] === '0');
        expect(await page.locator('#attempts tr').count()).toBe(1);
        expect(app.psr.log.filter((e) => e.event === 'request')).toHaveLength(1);

        // Resume: the rest are dialled; progress and the chart follow to the end.
        await page.click('#resume');
        await page.waitForSelector('body[data-state="completed"]');
        await page.waitForFunction(() => {
          const bar = document.getElementById('progress') as HTMLProgressElement;
          return bar.value === 3 && bar.max === 3;
        });
        await page.waitForFunction(
          () =>
            JSON.parse(document.getElementById('chart')?.dataset['counts'] ?? '{}').completed === 3,
        );
        await page.waitForFunction(() => document.querySelectorAll('#attempts tr').length === 3);
        expect(await drawnPixels(page, '#chart canvas')).toBeGreaterThan(500);
        expect(await page.textContent('#progress-text')).toMatch(
          /^3 of 3 contacts settled \(100%\)/,
        );
        expect(await page.locator('#pause').isDisabled()).toBe(true);
        expect(await page.locator('#cancel').isDisabled()).toBe(true);

        // Hostile contact text: shown as it is, never markup or script.
        const hostileRow = page.locator('#attempts tr', { hasText: 'window.pwned=1' });
        expect(await hostileRow.locator('td').nth(1).textContent()).toBe(HOSTILE_ID);
        expect(await hostileRow.locator('td.result').textContent()).toBe(
          `spoke_to=${HOSTILE_NAME}`,
        );
        expect(await page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();
        expect(await page.locator('#attempts img, #attempts script, #title b').count()).toBe(0);
        const csv = await page.getAttribute('#export-csv', 'href');
        expect(csv).toBe(`/api/campaigns/june/attempts?format=csv&token=${ADMIN_TOKEN}`);

        // The list of campaigns links to it.
        const list = await browser.newPage();
        const listSeen = watchPage(list);
        await list.goto(`${app.base}/campaigns?token=${ADMIN_TOKEN}`);
        const listed = list.locator('tr[data-campaign-id="june"]');
        await listed.waitFor();
        expect(await listed.locator('td.state').textContent()).toBe('completed');
        expect(await listed.locator('a').getAttribute('href')).toBe(
          `/campaigns/june?token=${ADMIN_TOKEN}`,
        );
        expect([...seen.errors, ...callSeen.errors, ...listSeen.errors]).toEqual([]);
      });
      await recordRow(
        'operator routes',
        'a campaign name, contact ids and contact fields carrying markup and script (`<img onerror>`, `</script><script>`), shown on the campaign pages',
        3,
        'shown as text: no element made, no script run (the pages set text only, under a CSP that loads nothing from elsewhere)',
      );
    } finally {
      release();
      await app.close();
    }
  },
  60_000,
);
