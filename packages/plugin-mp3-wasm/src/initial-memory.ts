/**
 * The same WebAssembly module, asking for `pages` (64 KiB each) of memory at the start
 * instead of what it declares, when it declares more: the memory still grows as the
 * module needs. LAME's build asks for 16 MiB per instance and uses ~7 MiB; V8 counts every
 * instance's memory as external memory and runs full garbage collections as it grows, so
 * a server with a few hundred encoders paid for 9 MiB each it never touched.
 *
 * Anything unexpected in the module's layout leaves it unchanged.
 */
export function withInitialMemory(bytes: Uint8Array, pages: number): Uint8Array {
  const readLeb = (at: number): { value: number; next: number } => {
    let value = 0;
    let shift = 0;
    let next = at;
    for (;;) {
      const byte = bytes[next++];
      if (byte === undefined || shift > 28) return { value: -1, next };
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if ((byte & 0x80) === 0) return { value, next };
    }
  };
  let at = 8; // magic and version
  while (at < bytes.length) {
    const id = bytes[at]!;
    const size = readLeb(at + 1);
    if (size.value < 0) return bytes;
    if (id === 5) {
      const count = readLeb(size.next);
      const flags = bytes[count.next];
      if (count.value !== 1 || (flags !== 0 && flags !== 1)) return bytes;
      const min = readLeb(count.next + 1);
      const width = min.next - (count.next + 1);
      if (min.value <= pages || pages >= 2 ** (7 * width)) return bytes;
      // Rewritten in the same number of bytes (padded LEB128), so no size changes.
      const patched = Uint8Array.from(bytes);
      for (let i = 0; i < width; i++)
        patched[count.next + 1 + i] =
          (Math.floor(pages / 2 ** (7 * i)) & 0x7f) | (i < width - 1 ? 0x80 : 0);
      return patched;
    }
    at = size.next + size.value;
  }
  return bytes;
}
