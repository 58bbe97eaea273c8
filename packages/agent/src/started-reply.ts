import type { Call } from '@psrkit/transport';
import type { LanguageModel, ModelMessage, ToolSet } from 'ai';
import { type Observable, ReplaySubject } from 'rxjs';
import { callEndingTools } from './call-tools.js';
import { type ModelTurn, startModelTurn } from './model-turn.js';

/** What a reply is started with. */
export interface ReplyInput {
  readonly call: Call;
  readonly model: LanguageModel;
  readonly system: string;
  /** The history, the caller's words included. */
  readonly messages: readonly ModelMessage[];
  /** Your tools: run only once the reply is {@link StartedReply.confirm}ed. */
  readonly tools: ToolSet | undefined;
  readonly onToolCall: (name: string, input: unknown) => void;
  readonly onFirstText: () => void;
  readonly onError: (error: unknown) => void;
}

/**
 * A model turn started, perhaps before the caller's turn is confirmed over: its text is
 * kept from the start (replayed to the voice once it may speak), your tools wait for
 * `confirm()`, and `transfer`/`hangup` leave what to do once it has been heard.
 */
export class StartedReply {
  readonly abort = new AbortController();
  /** What `transfer`/`hangup` asked for, run once this reply has been heard. */
  ending: (() => void) | undefined;
  /** Characters of text the model wrote so far (the work lost when it is discarded). */
  textChars = 0;
  private readonly text = new ReplaySubject<string>();
  private readonly turn: ModelTurn;
  private open!: () => void;
  private readonly gate = new Promise<void>((resolve, reject) => {
    this.open = resolve;
    this.abort.signal.addEventListener('abort', () => reject(this.abort.signal.reason));
  });

  constructor(input: ReplyInput) {
    this.gate.catch(() => {}); // a discarded reply's tools never run
    const builtins = callEndingTools(input.call, (end) => {
      this.ending = end;
    });
    this.turn = startModelTurn({
      model: input.model,
      system: input.system,
      history: input.messages,
      tools: { ...builtins, ...gated(input.tools ?? {}, this.gate) },
      signal: AbortSignal.any([this.abort.signal, input.call.signal]),
      onToolCall: input.onToolCall,
      onFirstText: input.onFirstText,
      onError: input.onError,
    });
    this.turn.text$.subscribe({
      next: (piece) => {
        this.textChars += piece.length;
        this.text.next(piece);
      },
      error: (error: unknown) => this.text.error(error),
      complete: () => this.text.complete(),
    });
  }

  /** The reply's text from its start. */
  get text$(): Observable<string> {
    return this.text.asObservable();
  }

  /** The caller's turn is over: the reply may act. */
  confirm(): void {
    this.open();
  }

  /** The turn's messages once it completed. */
  messages(): Promise<readonly ModelMessage[]> {
    return this.turn.messages();
  }
}

/** Your tools, each waiting for `gate` before it runs. */
function gated(tools: ToolSet, gate: Promise<void>): ToolSet {
  return Object.fromEntries(
    Object.entries(tools).map(([name, tool]) => {
      const execute = tool.execute;
      if (!execute) return [name, tool];
      return [
        name,
        {
          ...tool,
          execute: async (...args: Parameters<typeof execute>) => {
            await gate;
            return execute(...args);
          },
        },
      ];
    }),
  );
}
