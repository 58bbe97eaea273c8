#!/usr/bin/env node
// Rewrites the settings tables in README.md from the settings tables in the code, between
// their markers: `psrkit-server`'s (src/settings.ts) and `psrkit-campaign run`'s own
// (src/campaign-settings.ts). Run after `pnpm build`: pnpm --filter @psrkit/server docs
import { readFileSync, writeFileSync } from 'node:fs';
import { CAMPAIGN_SETTINGS } from '../dist/campaign-settings.js';
import { settingsMarkdown } from '../dist/settings.js';

const readme = new URL('../README.md', import.meta.url);
const tables = [
  ['settings', 'src/settings.ts', settingsMarkdown()],
  ['campaign-settings', 'src/campaign-settings.ts', settingsMarkdown(CAMPAIGN_SETTINGS)],
];
let text = readFileSync(readme, 'utf8');
for (const [name, source, table] of tables) {
  const start = `<!-- ${name}: made from ${source} by \`pnpm --filter @psrkit/server docs\` -->`;
  const end = `<!-- /${name} -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md has no ${name} markers`);
  text = `${text.slice(0, from + start.length)}\n${table}\n${text.slice(to)}`;
}
writeFileSync(readme, text);
console.log('README.md: settings tables rewritten');
