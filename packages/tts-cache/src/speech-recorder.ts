import type { SpeechPiece } from '@psrkit/pipeline';
import type { CachedSpeech } from './entry-codec.js';

/** Records a speech as it goes by, for storing once it completes. */
export interface SpeechRecorder {
  /** The next piece (its samples kept, not copied). */
  add(piece: SpeechPiece): void;
  /** False once the speech has grown past the entry limit: it will not be stored. */
  readonly storable: boolean;
  /** The whole speech, consecutive audio joined; `undefined` when it is not storable. */
  speech(): CachedSpeech | undefined;
}

/** Bytes counted for a word timing (its JSON or object, about). */
const WORD_BYTES = 48;

/** The bytes a piece of speech takes, stored or in memory (about, for its words). */
export function pieceBytes(piece: SpeechPiece): number {
  return piece.type === 'audio' ? piece.samples.byteLength : piece.words.length * WORD_BYTES;
}

/** A recorder for speech at `sampleRate`, storable up to `maxBytes`. */
export function createSpeechRecorder(sampleRate: number, maxBytes: number): SpeechRecorder {
  const pieces: SpeechPiece[] = [];
  let audio: Int16Array[] = [];
  let bytes = 0;
  const joinAudio = (): void => {
    if (audio.length === 0) return;
    const samples = new Int16Array(audio.reduce((sum, piece) => sum + piece.length, 0));
    let at = 0;
    for (const piece of audio) {
      samples.set(piece, at);
      at += piece.length;
    }
    pieces.push({ type: 'audio', samples });
    audio = [];
  };
  return {
    add(piece) {
      if (bytes > maxBytes) return;
      bytes += pieceBytes(piece);
      if (bytes > maxBytes) {
        pieces.length = 0;
        audio = [];
      } else if (piece.type === 'audio') audio.push(piece.samples);
      else {
        joinAudio();
        pieces.push(piece);
      }
    },
    get storable() {
      return bytes <= maxBytes;
    },
    speech() {
      if (bytes > maxBytes) return undefined;
      joinAudio();
      return { sampleRate, pieces };
    },
  };
}
