import { asTextToSpeechV2 } from '@psrkit/pipeline';
import {
  type AnswerLogger,
  type AnswerOnCall,
  type AnswerVerdict,
  answerOnCall,
} from '@psrkit/plugin-answer-detect';
import type { Bot, Call } from '@psrkit/transport';
import type { AgentAnswerOptions, AgentOptions } from './agent-options.js';
import { Conversation, type ConversationSetup } from './conversation.js';
import { readsComplete } from './turn-complete.js';

/** Answer detection on a call, as the agent's options ask; `say` leaves the voicemail message. */
function watchWhoAnswered(
  call: Call,
  { detector, mode, maxHoldMs, voicemailMessage: message }: AgentAnswerOptions,
  logger: AnswerLogger,
  {
    say,
    onVerdict,
  }: { say: (text: string) => Promise<unknown>; onVerdict: (v: AnswerVerdict) => void },
): AnswerOnCall {
  return answerOnCall(call, {
    detector,
    logger,
    onVerdict,
    ...(mode && { mode }),
    ...(maxHoldMs !== undefined && { maxHoldMs }),
    ...(message && {
      leaveMessage: () => say(typeof message === 'function' ? message(call) : message),
    }),
  });
}

/** Who answered, for a call that asks (the agent's `answer` option); a machine stops the conversation. */
function answerFor(
  call: Call,
  options: AgentOptions,
  logger: AnswerLogger,
  setup: ConversationSetup,
) {
  if (!options.answer) return undefined;
  let conversation: Conversation | undefined;
  const answer = watchWhoAnswered(call, options.answer, logger, {
    say: (text) => conversation!.speak(text),
    onVerdict: (verdict) => options.onEvent?.({ type: 'answer', verdict }, call),
  });
  conversation = new Conversation(call, setup, logger, answer);
  answer.takeover.addEventListener('abort', () => conversation!.stop());
  return { answer, conversation };
}

/**
 * A conversational bot: it listens for the caller's turns (VAD), transcribes each (STT),
 * streams the model's answer into speech as one continuous stream (first audio once the
 * first sentence is synthesised), falls silent the moment the caller speaks — cancelling
 * the model and the speech, and keeping in the history only the words the caller heard
 * (exactly, with an engine's word timings) — and transfers or hangs up when the model calls
 * `transfer` or `hangup`, once the reply has been heard.
 */
export function createAgent(options: AgentOptions): Bot {
  const language = options.language ?? 'en';
  const tts = asTextToSpeechV2(options.tts);
  const turnEndMs = options.turnEndMs ?? 700;
  const earlyTurnEndMs = Math.min(options.earlyTurnEndMs ?? 250, turnEndMs);
  const setup: ConversationSetup = {
    options,
    tts,
    voice: options.voice ?? (tts.voices.includes(language) ? language : undefined),
    language,
    silenceMs: options.silenceHangupMs ?? 20_000,
    turnEndMs,
    earlyTurnEndMs,
    completeTurnEndMs: Math.min(
      Math.max(options.completeTurnEndMs ?? earlyTurnEndMs, earlyTurnEndMs),
      turnEndMs,
    ),
    turnComplete: options.turnComplete ?? readsComplete,
    pauseOnSuspicion: options.pauseOnSuspicion ?? true,
  };
  return async (call, { logger }) => {
    const detected = answerFor(call, options, logger, setup);
    const conversation = detected?.conversation ?? new Conversation(call, setup, logger);
    try {
      // `detect_answer=hold`: a person's first words are the detector's, not a turn.
      if (detected && !(await detected.answer.mayGreet)) return void (await call.closed);
      conversation.listen();
      const greeting =
        typeof options.greeting === 'function' ? options.greeting(call) : options.greeting;
      if (greeting === 'model') await conversation.reply();
      else if (greeting) await conversation.say(greeting);
      conversation.armSilence();
      await call.closed;
    } finally {
      conversation.stop();
    }
  };
}
