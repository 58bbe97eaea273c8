#!/usr/bin/env node
// Rewrites the settings table in README.md from the settings table in the code
// (src/settings.ts), between the `settings` markers. Run after `pnpm build`:
// pnpm --filter @psrkit/server docs
import { readFileSync, writeFileSync } from 'node:fs';
import { settingsMarkdown } from '../dist/settings.js';

const readme = new URL('../README.md', import.meta.url);
const text = readFileSync(readme, 'utf8');
const start = '<!-- settings: made from src/settings.ts by `pnpm --filter @psrkit/server docs` -->';
const end = '<!-- /settings -->';
const from = text.indexOf(start);
const to = text.indexOf(end);
if (from < 0 || to < from) throw new Error('README.md has no settings markers');
writeFileSync(
  readme,
  `${text.slice(0, from + start.length)}\n${settingsMarkdown()}\n${text.slice(to)}`,
);
console.log('README.md: settings table rewritten');
