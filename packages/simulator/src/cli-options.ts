import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { DecodeMode } from '@psrkit/line';
import { PSR_CHANNELS } from '@psrkit/protocol';
import { InvalidArgumentError, Option } from 'commander';
import { SimulatorError } from './errors.js';

// The options and value parsers psr-sim's commands share.

/** The bundled caller recording: three utterances with pauses. */
export const DEFAULT_CALLER = fileURLToPath(new URL('../samples/caller.wav', import.meta.url));
export const tty = process.stderr.isTTY === true;

export const number = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a number ≥ 0`);
  return n;
};
export const pair = (value: string, previous: Record<string, string> = {}) => {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`expected key=value, got ${JSON.stringify(value)}`);
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
};
export const collect = (value: string, previous: string[] = []) => [...previous, value];
/** A bot server's WebSocket URL: `ws://` or `wss://`, or a one-line error. */
export const wsUrl = (value: string) => {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // not a URL at all: said below
  }
  if (url?.protocol !== 'ws:' && url?.protocol !== 'wss:')
    throw new InvalidArgumentError(
      `expected a ws:// or wss:// URL, got ${JSON.stringify(value.slice(0, 120))} (e.g. ws://${value.replace(/^[a-z]+:\/\//i, '').slice(0, 60)})`,
    );
  return value;
};

export const channelOption = () =>
  new Option('--channel <layout>', 'payload layout PSR sends')
    .choices(PSR_CHANNELS as string[])
    .default('mono_a');
export const sideOption = () =>
  new Option(
    '--side <side>',
    "the side that carries the caller's voice (default: b for mono_b, else a; b = an outbound call)",
  ).choices(['a', 'b']);
export const mediaCutsStreamOption = () =>
  new Option(
    '--media-cuts-stream <on|off>',
    'whether a media with is_sync false also cuts a chunk stream that plays (PSR does not say)',
  )
    .choices(['on', 'off'])
    .default('on');
export const decodeOption = (fallback: DecodeMode) =>
  new Option('--decode <mode>', 'MP3 decoding on the emulated line')
    .choices(['stream', 'independent', 'none'])
    .default(fallback);

/** `--ca <file>`: the PEM certificates to trust for wss://, read; a file that cannot be read is a one-line error. */
export async function readCa(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new SimulatorError(
      'INVALID_OPTION',
      `cannot read ${JSON.stringify(file)}: ${(error as NodeJS.ErrnoException).code}`,
      { path: '--ca', cause: error },
    );
  }
}
