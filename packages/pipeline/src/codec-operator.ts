import { Observable, type OperatorFunction } from 'rxjs';

/** A stateful codec seen as a stream stage: what each input yields, and the tail. */
export interface StreamCodec<In, Out> {
  push(input: In): Iterable<Out>;
  flush(): Iterable<Out>;
  /** Frees resources (encoders, WASM memory); called once on completion, error or unsubscribe. */
  close?(): void;
}

/**
 * Wraps a codec as an operator: a fresh codec per subscription, `push` on next, `flush`
 * on complete, `close` in teardown. Errors thrown by the codec error the stream.
 */
export function codecOperator<In, Out>(
  create: () => StreamCodec<In, Out>,
): OperatorFunction<In, Out> {
  return (source) =>
    new Observable<Out>((subscriber) => {
      const codec = create();
      const subscription = source.subscribe({
        next(input) {
          let outputs: Iterable<Out>;
          try {
            outputs = codec.push(input);
          } catch (error) {
            subscriber.error(error);
            return;
          }
          for (const output of outputs) subscriber.next(output);
        },
        error: (error: unknown) => subscriber.error(error),
        complete() {
          let outputs: Iterable<Out>;
          try {
            outputs = codec.flush();
          } catch (error) {
            subscriber.error(error);
            return;
          }
          for (const output of outputs) subscriber.next(output);
          subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        codec.close?.();
      };
    });
}

/** `[samples]` when non-empty, else `[]`. */
export function nonEmpty(samples: Int16Array): Int16Array[] {
  return samples.length > 0 ? [samples] : [];
}
