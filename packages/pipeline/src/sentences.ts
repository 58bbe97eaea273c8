import { Observable, type OperatorFunction } from 'rxjs';

/** Where a sentence may end: after . ! ? … ; : or a line break, before a space (or the end). */
const END = /([.!?…;:]+["'”’)\]]*|\n)(\s+|$)/g;

/**
 * Cuts streamed text (a model's deltas) into sentences as soon as each is complete, so the
 * first can be synthesised while the model is still writing the rest; what is left when
 * the text ends is the last sentence. Pieces shorter than `minChars` wait for the next
 * (no "Ok." spoken on its own). Pure: no timers.
 */
export function sentences(minChars = 12): OperatorFunction<string, string> {
  return (source) =>
    new Observable<string>((subscriber) => {
      let buffer = '';
      const cut = (final: boolean) => {
        for (;;) {
          END.lastIndex = 0;
          let end = -1;
          for (let match = END.exec(buffer); match; match = END.exec(buffer)) {
            const at = match.index + match[1]!.length;
            // The match must not sit at the buffer's end unless the text is over: the
            // next delta may continue it ("3.14", "Mr. Nam").
            if (!final && match.index + match[0].length >= buffer.length) break;
            if (buffer.slice(0, at).trim().length >= minChars) {
              end = match.index + match[0].length;
              break;
            }
          }
          if (end < 0) break;
          const sentence = buffer.slice(0, end).trim();
          buffer = buffer.slice(end);
          if (sentence) subscriber.next(sentence);
        }
        if (final && buffer.trim()) subscriber.next(buffer.trim());
      };
      return source.subscribe({
        next(delta) {
          buffer += delta;
          cut(false);
        },
        error: (error: unknown) => subscriber.error(error),
        complete() {
          cut(true);
          subscriber.complete();
        },
      });
    });
}
