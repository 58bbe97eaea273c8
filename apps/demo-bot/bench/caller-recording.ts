// The simulator's bundled caller: what the benchmark's callers say, and what its babble is made of.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { concatPcm, decodeWav } from '@psrkit/protocol';
import { findUtterances } from '@psrkit/simulator';

/** PSR's sample rate. */
export const RATE = 8000;

/** The whole recording (19 s, three utterances), mono, 8 kHz. */
export const recording = decodeWav(
  readFileSync(fileURLToPath(import.meta.resolve('@psrkit/simulator/samples/caller.wav'))),
).samples;

/** Its first utterance (4.2 s): what the demo bot echoes, and what the probe bot says. */
export const firstUtterance = recording.subarray(RATE * 0.9, RATE * 5.1);

/** The onset and first 2 s of its second utterance: the caller speaking over the bot. */
export const secondOnset = recording.subarray(RATE * 10.4, RATE * 12.4);

/** Its speech only (the three utterances back to back, 9.3 s): babble's material. */
export const speechOnly = concatPcm(
  findUtterances(recording).map((u) => recording.subarray(u.startMs * 8, u.endMs * 8)),
);
