import { createHash } from 'node:crypto';
import { type FileHandle, link, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeWavHeader, PSR_SAMPLE_RATE } from '@psrkit/protocol';
import type { Logger } from 'pino';

export const WAV_HEADER_BYTES = 44;
const PART = '.wav.part';
const SAFE = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,119}$/;

/**
 * The file name (without extension) of a call's recording: `<tenant>__<call_id>` when
 * that is short and made of safe characters, else a readable prefix and a hash of both,
 * so that two tenants, or two ids that would clean up to the same name (`a/b`, `a_b`),
 * never share a file, and no id is too long for the file system.
 */
export function recordingName(tenant: string, callId: string): string {
  const plain = `${tenant}__${callId}`;
  if (SAFE.test(plain)) return plain;
  const hash = createHash('sha256').update(tenant).update('\0').update(callId).digest('hex');
  return `${plain
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^\./, '_')
    .slice(0, 40)}~${hash.slice(0, 24)}`;
}

/** A recording being written: `<name>.wav.part`, renamed to `<name>.wav` when done. */
export interface RecordingFile {
  readonly handle: FileHandle;
  readonly partPath: string;
  /** The name it was created under (`<base>` or `<base>.2`, `<base>.3`… if taken). */
  readonly name: string;
}

/**
 * Creates a recording's file exclusively: never over another, finished or not. A call
 * that reconnects with the same id (or is replaced) gets `<name>.2.wav` and so on.
 */
export async function createRecordingFile(dir: string, base: string): Promise<RecordingFile> {
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : `${base}.${n}`;
    if (await exists(join(dir, `${name}.wav`))) continue;
    const partPath = join(dir, `${name}${PART}`);
    try {
      const handle = await open(partPath, 'wx');
      await handle.write(encodeWavHeader(PSR_SAMPLE_RATE, 2, 0), 0, WAV_HEADER_BYTES, 0);
      return { handle, partPath, name };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** Gives the finished `.part` its final name, without replacing a file that has it; returns that path. */
export async function finishRecordingFile(dir: string, file: RecordingFile): Promise<string> {
  for (let n = 1; ; n++) {
    const target = join(dir, n === 1 ? `${file.name}.wav` : `${file.name}.${n}.wav`);
    try {
      await link(file.partPath, target); // fails if the target exists: nothing is replaced
      await unlink(file.partPath);
      return target;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Repairs recordings a crash left behind: header sizes from the file's length, then
 * renamed to `<name>.recovered.wav`. Run it once, before any server that records into
 * `dir` starts (with `--workers`, the primary does, before it forks): a `.part` file is
 * only ever left over, never live, then.
 */
export async function recoverRecordings(dir: string, logger: Logger): Promise<string[]> {
  const recovered: string[] = [];
  for (const name of await readdir(dir)) {
    if (!name.endsWith(PART)) continue;
    const path = join(dir, name);
    const { size } = await stat(path);
    let file: FileHandle | undefined;
    try {
      file = await open(path, 'r+');
      const dataBytes = Math.max(0, Math.floor((size - WAV_HEADER_BYTES) / 4) * 4);
      await file.write(encodeWavHeader(PSR_SAMPLE_RATE, 2, dataBytes), 0, WAV_HEADER_BYTES, 0);
      await file.truncate(WAV_HEADER_BYTES + dataBytes);
    } finally {
      await file?.close();
    }
    const target = join(dir, `${name.slice(0, -PART.length)}.recovered.wav`);
    await rename(path, target);
    recovered.push(target);
    logger.warn({ file: target }, 'recovered a recording left by a crash');
  }
  return recovered;
}
