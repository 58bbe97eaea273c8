// The benchmark's speech-to-text: no engine runs here (no cloud service, no local model).
// It "transcribes" by knowing what the set says when — the words whose share of their
// utterance's characters ends inside the audio it was given — optionally with word errors
// (a word dropped or swapped for another) at a given rate. It is an upper bound on what a
// real engine gives the transcript detector: real engines also mishear, lag and bill.
import type { SpeechToText } from '@psrkit/pipeline';
import { createScriptedStt } from '../src/testing/index.js';
import type { Clip } from './labelled-clip.js';

const FILLERS = ['ơ', 'à', 'thì', 'the', 'uh', 'ba', 'năm', 'nhé'];

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0) / 2 ** 32;
}

/** An oracle engine for the clip `current()` returns; `wordErrorRate` 0–1. */
export function oracleStt(current: () => Clip, wordErrorRate = 0): SpeechToText {
  return createScriptedStt({
    name: 'oracle',
    script: ({ startMs, endMs }) => {
      const clip = current();
      const words: string[] = [];
      for (const spoken of clip.spoken) {
        const parts = spoken.text.split(/\s+/);
        const total = parts.reduce((sum, w) => sum + w.length + 1, 0);
        let chars = 0;
        parts.forEach((word, i) => {
          const wordStart = spoken.startMs + (chars / total) * (spoken.endMs - spoken.startMs);
          chars += word.length + 1;
          const wordEnd = spoken.startMs + (chars / total) * (spoken.endMs - spoken.startMs);
          if (wordStart < startMs - 50 || wordEnd > endMs) return;
          const roll = hash(`${clip.id}/${spoken.startMs}/${i}`);
          if (roll < wordErrorRate / 2) return; // dropped
          if (roll < wordErrorRate) words.push(FILLERS[Math.floor(roll * 1000) % FILLERS.length]!);
          else words.push(word);
        });
      }
      return words.join(' ');
    },
  });
}
