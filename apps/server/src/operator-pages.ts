import { readFile } from 'node:fs/promises';

const read = (name: string) => readFile(new URL(`../pages/${name}`, import.meta.url), 'utf8');

/**
 * What the operator pages share, by the placeholder each is inlined at, in this order (the
 * head holds the style's placeholder): inlined, so the pages keep their content-security
 * policy (inline script and style, nothing loaded from elsewhere).
 */
const SHARED = [
  ['<!--common-head-->', 'common-head.html'],
  ['/*common.css*/', 'common.css'],
  ['/*common.js*/', 'common.js'],
] as const;

let shared: Promise<(readonly [string, string])[]> | undefined;

/** One operator page (`pages/<name>`), with what the pages share inlined; the shared parts are read once. */
export async function page(name: string): Promise<string> {
  shared ??= Promise.all(SHARED.map(async ([mark, file]) => [mark, await read(file)] as const));
  let html = await read(name);
  // Replaced by a function: a `$` in the text is not a replacement pattern.
  for (const [mark, text] of await shared) html = html.replace(mark, () => text);
  return html;
}
