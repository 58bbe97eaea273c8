import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { withInitialMemory } from './initial-memory.js';

// Node's WebAssembly global (the project compiles without the DOM library).
const { WebAssembly: wasm } = globalThis as unknown as {
  WebAssembly: {
    Module: new (bytes: Uint8Array) => object;
    Instance: new (module: object) => { exports: { m: { buffer: ArrayBuffer } } };
  };
};
// A minimal module declaring its memory as LAME's build does (min 256, max 32768), exported as `m`.
// biome-ignore format: the bytes read better by section
const minimal = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x05, 0x07, 0x01, 0x01, 0x80, 0x02, 0x80, 0x80, 0x02, // memory: min 256, max 32768
  0x07, 0x05, 0x01, 0x01, 0x6d, 0x02, 0x00, // export "m": memory 0
]);
const pagesAtStart = (bytes: Uint8Array) =>
  new wasm.Instance(new wasm.Module(bytes)).exports.m.buffer.byteLength / 65536;

describe('withInitialMemory', () => {
  it('asks for fewer pages at the start, in the same bytes, and leaves the rest alone', () => {
    expect(pagesAtStart(minimal)).toBe(256);
    const patched = withInitialMemory(minimal, 116);
    expect(patched.length).toBe(minimal.length);
    expect(pagesAtStart(patched)).toBe(116);
    expect([...patched.subarray(14)]).toEqual([...minimal.subarray(14)]); // the maximum kept
    expect(minimal[12]).toBe(0x80); // the input is not changed
  });

  it('changes nothing when the module asks for less already, or its layout is unexpected', () => {
    expect(withInitialMemory(minimal, 300)).toBe(minimal);
    const twoMemories = Uint8Array.from(minimal);
    twoMemories[10] = 2;
    expect(withInitialMemory(twoMemories, 116)).toBe(twoMemories);
    const cut = minimal.subarray(0, 11);
    expect(withInitialMemory(cut, 116)).toBe(cut);
  });

  it('applies to the LAME build this plugin ships with', async () => {
    const bytes = await readFile(
      fileURLToPath(import.meta.resolve('wasm-media-encoders/wasm/mp3')),
    );
    expect(withInitialMemory(bytes, 116)).not.toBe(bytes);
  });
});
