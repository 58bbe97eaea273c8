import { AnswerDetectError } from './errors.js';
import en from './phrases/en.json' with { type: 'json' };
import vi from './phrases/vi.json' with { type: 'json' };
import type { AnnouncementKind } from './verdict.js';

/** One phrase of a list and what hearing it means. */
export interface Phrase {
  /** The words, as people write them (tone marks and case do not matter). */
  readonly text: string;
  /** A voicemail greeting or a carrier announcement says it. */
  readonly kind: 'voicemail' | 'announcement';
  /** For an announcement: which one it names (omit for a phrase every announcement says). */
  readonly announcement?: AnnouncementKind;
  /**
   * `false`: only a hint — it names the announcement when another phrase decided, but does
   * not decide alone ("đang bận" is also what a busy person says). Default `true`.
   */
  readonly decisive?: boolean;
}

/** A phrase list in one language: the shape of the package's `phrases/*.json` files. */
export interface PhraseList {
  /** BCP 47 (`vi`, `en`). */
  readonly language: string;
  /** Its phrases. */
  readonly phrases: readonly Phrase[];
}

const KINDS = ['voicemail', 'announcement'];
const ANNOUNCEMENTS: readonly string[] = [
  'busy',
  'unreachable',
  'out-of-coverage',
  'no-answer',
  'invalid-number',
  'suspended',
  'other',
] satisfies readonly AnnouncementKind[];

/**
 * Checks a phrase list read from JSON (yours, or one of the package's
 * `@psrkit/plugin-answer-detect/phrases/*.json`) and returns it typed; `INVALID_PHRASES`
 * names the first bad entry.
 *
 * @example
 * ```ts
 * const mine = parsePhraseList(JSON.parse(readFileSync('phrases-acme.json', 'utf8')));
 * createAnswerDetector({ transcript: { stt, phrases: [...defaultPhraseLists, mine] } });
 * ```
 */
export function parsePhraseList(data: unknown): PhraseList {
  const fail = (where: string, what: string): never => {
    throw new AnswerDetectError('INVALID_PHRASES', `${where}: ${what}`);
  };
  if (typeof data !== 'object' || data === null) return fail('$', 'must be an object');
  const { language, phrases } = data as Record<string, unknown>;
  if (typeof language !== 'string' || language === '') fail('$.language', 'must be a language tag');
  if (!Array.isArray(phrases)) return fail('$.phrases', 'must be an array');
  phrases.forEach((entry: unknown, i) => {
    const at = `$.phrases[${i}]`;
    if (typeof entry !== 'object' || entry === null) fail(at, 'must be an object');
    const { text, kind, announcement, decisive } = entry as Record<string, unknown>;
    if (typeof text !== 'string' || text.trim() === '') fail(`${at}.text`, 'must be words');
    if (!KINDS.includes(kind as string)) fail(`${at}.kind`, `must be one of ${KINDS.join(', ')}`);
    if (announcement !== undefined && !ANNOUNCEMENTS.includes(announcement as string))
      fail(`${at}.announcement`, `must be one of ${ANNOUNCEMENTS.join(', ')}`);
    if (announcement !== undefined && kind !== 'announcement')
      fail(`${at}.announcement`, 'only for kind "announcement"');
    if (decisive !== undefined && typeof decisive !== 'boolean')
      fail(`${at}.decisive`, 'must be true or false');
  });
  return data as PhraseList;
}

/** Vietnamese carrier announcements (Viettel, VinaPhone, MobiFone) and voicemail greetings. */
export const vietnamesePhrases: PhraseList = parsePhraseList(vi);
/** English carrier announcements and voicemail greetings. */
export const englishPhrases: PhraseList = parsePhraseList(en);
/** The lists the transcript detector uses unless told otherwise: Vietnamese and English. */
export const defaultPhraseLists: readonly PhraseList[] = [vietnamesePhrases, englishPhrases];
