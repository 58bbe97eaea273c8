import {
  hasToolCall,
  type LanguageModel,
  type ModelMessage,
  stepCountIs,
  streamText,
  type TextStreamPart,
  type ToolSet,
} from 'ai';
import { concatMap, EMPTY, from, type Observable, of, tap } from 'rxjs';

/** What one model turn needs. */
export interface ModelTurnInput {
  readonly model: LanguageModel;
  readonly system: string;
  readonly history: readonly ModelMessage[];
  readonly tools: ToolSet;
  /** Aborts the model's request (a barge-in, the call's end). */
  readonly signal: AbortSignal;
  /** The model called a tool. */
  readonly onToolCall: (name: string, input: unknown) => void;
  /** The first text of the turn arrived. */
  readonly onFirstText: () => void;
  /** The model's request failed (not reported once `signal` has aborted). */
  readonly onError: (error: unknown) => void;
}

/** A model turn under way: its text as it streams, and the messages it adds once complete. */
export interface ModelTurn {
  /** The text of every step; a step's end is a sentence's end (`\n`). */
  readonly text$: Observable<string>;
  /**
   * The turn's messages (assistant text, tool calls and results), once complete; asked only
   * of a turn that was heard to its end (an aborted turn's would reject).
   */
  messages(): Promise<readonly ModelMessage[]>;
}

/**
 * Starts one model turn: the history in, the reply's text streamed out. Your tools may need
 * a step to answer with their result; `transfer` or `hangup` end the turn.
 */
export function startModelTurn(input: ModelTurnInput): ModelTurn {
  const result = streamText({
    model: input.model,
    system: input.system,
    messages: [...input.history],
    tools: input.tools,
    stopWhen: [stepCountIs(3), hasToolCall('transfer'), hasToolCall('hangup')],
    abortSignal: input.signal,
    onError: ({ error }) => {
      if (!input.signal.aborted) input.onError(error);
    },
  });
  let first = true;
  const text$ = from(result.fullStream as AsyncIterable<TextStreamPart<ToolSet>>).pipe(
    concatMap((part) => {
      if (part.type === 'tool-call') input.onToolCall(part.toolName, part.input);
      if (part.type === 'finish-step') return of('\n');
      return part.type === 'text-delta' ? of(part.text) : EMPTY;
    }),
    tap(() => {
      if (first) input.onFirstText();
      first = false;
    }),
  );
  return { text$, messages: async () => (await result.response).messages };
}
