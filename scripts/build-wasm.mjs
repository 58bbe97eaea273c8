// Builds the pipeline's hand-written WebAssembly (packages/pipeline/src/*.wat) into
// TypeScript modules holding the bytes (<name>-wasm.ts), so the package ships no binary
// and needs no build tool at install. Run after changing a .wat: node scripts/build-wasm.mjs
// (the pipeline's tests fail while a generated module is not what its .wat builds to).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import wabt from 'wabt';

const dir = fileURLToPath(new URL('../packages/pipeline/src/', import.meta.url));

/** The TypeScript module for `name`.wat (its bytes as base64). */
export async function generatedModule(name) {
  const tools = await wabt();
  const source = readFileSync(join(dir, `${name}.wat`), 'utf8');
  const module = tools.parseWat(`${name}.wat`, source, { simd: true });
  const { buffer } = module.toBinary({});
  module.destroy();
  const base64 = Buffer.from(buffer).toString('base64');
  return `// Generated from ${name}.wat by scripts/build-wasm.mjs: do not edit.\nexport const WASM_BASE64 =\n  '${base64}';\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.wat'))) {
    const name = file.slice(0, -'.wat'.length);
    writeFileSync(join(dir, `${name}-wasm.ts`), await generatedModule(name));
    console.log(`packages/pipeline/src/${name}-wasm.ts`);
  }
}
