import { normaliseWords } from './normalise-text.js';
import type { Phrase, PhraseList } from './phrase-list.js';
import type { AnnouncementKind, PhraseMatch } from './verdict.js';

/** What the phrase lists make of a transcript. */
export interface PhraseReading {
  /** Words in the transcript. */
  readonly words: number;
  /** A decisive phrase was heard: what it means, and the phrase that says most. */
  readonly decision?: {
    readonly kind: 'voicemail' | 'announcement';
    readonly announcement?: AnnouncementKind;
    /** The phrase that names the announcement if one does, else the one that decided. */
    readonly phrase: PhraseMatch;
    /** The deciding phrase was heard word for word (not approximately). */
    readonly exact: boolean;
  };
}

interface Compiled {
  readonly phrase: Phrase;
  readonly language: string;
  readonly words: readonly string[];
}

/**
 * Compiles phrase lists into a reader of transcripts (pure). A phrase is heard when its
 * words appear in order, with up to one word in four missed, swapped or added (a
 * speech-to-text engine's slips; phrases of three words or fewer must be exact). Any
 * decisive voicemail phrase makes a voicemail (a carrier's mailbox says "thuê bao … để lại
 * lời nhắn": it takes a message); else any decisive announcement phrase makes an
 * announcement, named by the longest phrase heard that names one (hints included).
 */
export function phraseReader(lists: readonly PhraseList[]): (text: string) => PhraseReading {
  const compiled: Compiled[] = lists.flatMap((list) =>
    list.phrases.map((phrase) => ({
      phrase,
      language: list.language,
      words: normaliseWords(phrase.text),
    })),
  );
  return (text) => {
    const words = normaliseWords(text);
    const heard = compiled.flatMap((entry): Heard[] => {
      const matched = wordsMatched(entry.words, words);
      return matched === undefined ? [] : [{ ...entry, matched }];
    });
    const best = (candidates: Heard[]) =>
      candidates.reduce<Heard | undefined>(
        (top, entry) => (top === undefined || entry.matched > top.matched ? entry : top),
        undefined,
      );
    const decisive = (kind: Phrase['kind']) =>
      heard.filter((e) => e.phrase.kind === kind && e.phrase.decisive !== false);
    const voicemail = best(decisive('voicemail'));
    if (voicemail)
      return { words: words.length, decision: decide(voicemail, 'voicemail', voicemail) };
    const announcement = best(decisive('announcement'));
    if (!announcement) return { words: words.length };
    const naming = best(heard.filter((e) => e.phrase.announcement !== undefined));
    const decision = decide(naming ?? announcement, 'announcement', announcement);
    return {
      words: words.length,
      decision: { ...decision, announcement: naming?.phrase.announcement ?? 'other' },
    };
  };
}

type Heard = Compiled & { matched: number };

function decide(entry: Heard, kind: 'voicemail' | 'announcement', decider: Heard) {
  const phrase: PhraseMatch = {
    phrase: entry.phrase.text,
    language: entry.language,
    kind: entry.phrase.kind,
    ...(entry.phrase.announcement && { announcement: entry.phrase.announcement }),
    wordsMatched: entry.matched,
  };
  return { kind, phrase, exact: decider.matched === decider.words.length };
}

/**
 * How many of the phrase's words the text holds in order, allowing `floor(n / 4)` edits
 * (a semi-global alignment: the phrase may sit anywhere in the text); `undefined` when it
 * is not there.
 */
export function wordsMatched(
  phrase: readonly string[],
  text: readonly string[],
): number | undefined {
  const n = phrase.length;
  if (n === 0) return undefined;
  const allowed = Math.floor(n / 4);
  // previous[j]: edits aligning phrase[0..i) to the text ending at j.
  let previous = new Array<number>(text.length + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    const current = new Array<number>(text.length + 1);
    current[0] = i;
    for (let j = 1; j <= text.length; j++)
      current[j] = Math.min(
        previous[j - 1]! + (phrase[i - 1] === text[j - 1] ? 0 : 1),
        previous[j]! + 1,
        current[j - 1]! + 1,
      );
    previous = current;
  }
  const edits = Math.min(...previous);
  return edits <= allowed ? n - edits : undefined;
}
