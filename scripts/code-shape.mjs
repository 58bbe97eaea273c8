#!/usr/bin/env node
// Code shape: every function in production code (packages/*/src, apps/*/src; tests, test
// fixtures and `testing` kits aside) longer than MAX_LINES, measured with the TypeScript
// parser from its first line to its last — a factory's closure counts whole, and so does
// each function inside it. tests/code-shape.test.ts fails on any that is not on the
// allow-list (scripts/code-shape-allow.mjs), and on an allow-list entry that is short now.
//
//   node scripts/code-shape.mjs      prints them, longest first
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** Past this many lines a function is long. */
export const MAX_LINES = 80;
const SKIP_DIRS = new Set(['node_modules', 'dist', '__fixtures__', 'testing']);

/** Production `.ts` files under `dir`. */
function sourceFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return SKIP_DIRS.has(name) ? [] : sourceFiles(path);
    return /\.ts$/.test(name) && !/\.(test|d)\.ts$/.test(name) ? [path] : [];
  });
}

/** A function's name: its own, its variable's or property's, else `<anonymous>`. */
function nameOf(node) {
  if (node.name) return node.name.getText();
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent))
    return parent.name.getText();
  return '<anonymous>';
}

/** Every function longer than `max` lines under `root`'s packages and apps, longest first. */
export function longFunctions(root, max = MAX_LINES) {
  const found = [];
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(root, group))) {
      const src = join(root, group, name, 'src');
      if (!statSync(join(root, group, name)).isDirectory()) continue;
      let files;
      try {
        files = sourceFiles(src);
      } catch {
        continue; // a package without src
      }
      for (const file of files) {
        const source = ts.createSourceFile(
          file,
          readFileSync(file, 'utf8'),
          ts.ScriptTarget.Latest,
          true,
        );
        const path = relative(root, file);
        const visit = (node, outer) => {
          let scope = outer;
          if (ts.isFunctionLike(node) && node.body) {
            const first = source.getLineAndCharacterOfPosition(node.getStart()).line;
            const last = source.getLineAndCharacterOfPosition(node.end).line;
            scope = outer ? `${outer} › ${nameOf(node)}` : nameOf(node);
            const lines = last - first + 1;
            if (lines > max) found.push({ file: path, name: scope, line: first + 1, lines });
          }
          ts.forEachChild(node, (child) => visit(child, scope));
        };
        visit(source, '');
      }
    }
  }
  return found.sort((a, b) => b.lines - a.lines);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  for (const f of longFunctions(resolve(import.meta.dirname, '..')))
    console.log(`${String(f.lines).padStart(4)}  ${f.file}:${f.line}  ${f.name}`);
}
