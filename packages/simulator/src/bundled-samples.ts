import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnnouncementType, CalleeLanguage, CalleeUtterance } from './callee-behaviour.js';

// The recordings shipped in the package's `samples/` folder, found by name.

const SAMPLES_DIR = fileURLToPath(new URL('../samples/', import.meta.url));

/** A bundled sample's name: `caller.wav` or `answers/busy-vi.wav` (no folders above, no `./`). */
const BUNDLED_NAME = /^(?:answers\/)?[a-z0-9-]+\.wav$/;

/**
 * Where a recording named in a callees rule is: a bundled sample when `name` is one
 * (`answers/busy-vi.wav`), else a path relative to `baseDir`. Write `./answers/x.wav` for a
 * file of your own that shares a bundled name.
 */
export function resolveSample(name: string, baseDir: string): string {
  if (BUNDLED_NAME.test(name)) {
    const bundled = resolve(SAMPLES_DIR, name);
    if (existsSync(bundled)) return bundled;
  }
  return isAbsolute(name) ? name : resolve(baseDir, name);
}

/** The bundled announcement for a type; `switched-off` plays what carriers say for unreachable phones. */
export const announcementSample = (type: AnnouncementType, lang: CalleeLanguage): string =>
  `answers/${type === 'switched-off' ? 'unreachable' : type}-${lang}.wav`;

/** The bundled voicemail greeting, ending in its beep. */
export const voicemailSample = (lang: CalleeLanguage): string => `answers/voicemail-${lang}.wav`;

/** A person's first words, by language: "Alô?", then "Dạ alô, ai đấy ạ?" (or "Hello?", "Yes, speaking."). */
export const personUtterances = (lang: CalleeLanguage): readonly CalleeUtterance[] =>
  lang === 'vi'
    ? [
        { say: 'answers/alo-vi.wav', afterMs: 400 },
        { say: 'answers/alo-ai-day-vi.wav', afterMs: 2500 },
      ]
    : [
        { say: 'answers/hello-en.wav', afterMs: 400 },
        { say: 'answers/yes-speaking-en.wav', afterMs: 2500 },
      ];

/** What an `answer` callee says when its rule names nothing: the bundled three-utterance caller. */
export const DEFAULT_ANSWER_SAMPLE = 'caller.wav';

/**
 * What each bundled recording says (`samples/` and `samples/answers/`), and the audio
 * after its words (a voicemail greeting's gap and beep), ms.
 */
export const SAMPLE_TEXTS: Readonly<
  Record<string, { readonly text: string; readonly tailMs?: number }>
> = {
  'hello.wav': { text: 'Hello, I would like to check the status of my order.' },
  'order.wav': { text: 'It was placed last Tuesday, number four two seven.' },
  'thanks.wav': { text: 'Thank you. Can you put me through to someone?' },
  'interrupt.wav': { text: 'Sorry, wait, let me stop you there.' },
  'answers/busy-vi.wav': {
    text: 'Thuê bao quý khách vừa gọi hiện đang bận, xin quý khách vui lòng gọi lại sau.',
  },
  'answers/busy-en.wav': { text: 'The number you have called is busy, please call later.' },
  'answers/unreachable-vi.wav': {
    text: 'Thuê bao quý khách vừa gọi tạm thời không liên lạc được, xin quý khách vui lòng gọi lại sau.',
  },
  'answers/unreachable-en.wav': {
    text: 'The number you have called cannot be reached, please call later.',
  },
  'answers/out-of-coverage-vi.wav': {
    text: 'Thuê bao quý khách vừa gọi hiện đang ở ngoài vùng phủ sóng, xin quý khách vui lòng gọi lại sau.',
  },
  'answers/out-of-coverage-en.wav': {
    text: 'The number you have called is out of coverage, please call later.',
  },
  'answers/voicemail-vi.wav': {
    text: 'Xin chào, hiện tôi không thể nghe máy, vui lòng để lại lời nhắn sau tiếng bíp.',
    tailMs: 900,
  },
  'answers/voicemail-en.wav': {
    text: "Hi, you've reached Lan. Please leave a message after the beep.",
    tailMs: 900,
  },
  'answers/alo-vi.wav': { text: 'Alô?' },
  'answers/alo-ai-day-vi.wav': { text: 'Dạ alô, ai đấy ạ?' },
  'answers/hello-en.wav': { text: 'Hello?' },
  'answers/yes-speaking-en.wav': { text: 'Yes, speaking.' },
};
