import { type AnyTextToSpeech, asTextToSpeechV2, speechAudio } from '@psrkit/pipeline';
import type { Call } from '@psrkit/transport';
import { type CallCommand, type CommandResult, callName } from './call-directory.js';

/** Runs an operator's command on a call; `touched` says its figures changed. */
export async function runCommand(
  call: Call,
  command: CallCommand,
  tts: () => AnyTextToSpeech | undefined,
  touched: () => void,
): Promise<CommandResult> {
  if (call.state !== 'open')
    return { ok: false, status: 409, error: `call ${callName(call)} is ${call.state}` };
  const done = (detail: string): CommandResult => {
    touched();
    return { ok: true, detail };
  };
  switch (command.type) {
    case 'hangup':
    case 'transfer': {
      const sent = command.type === 'hangup' ? call.hangup() : call.transfer(command.extension);
      return sent.sent
        ? done(command.type === 'hangup' ? 'hung up' : `transferred to ${command.extension}`)
        : { ok: false, status: 409, error: sent.error.message };
    }
    case 'say': {
      const engine = tts();
      const refused = sayRefusal(engine, command.voice);
      if (refused || !engine) return refused!;
      const speech = asTextToSpeechV2(engine)
        .speak(command.text, command.voice === undefined ? {} : { voice: command.voice })
        .pipe(speechAudio());
      const handle = call.stream(speech, { sampleRate: engine.sampleRate, mode: command.mode });
      return done(`saying (${command.mode}) as ${handle.id}`);
    }
  }
}

/** Why `say` cannot run: no TTS, or a voice it does not have. */
function sayRefusal(
  engine: AnyTextToSpeech | undefined,
  voice: string | undefined,
): CommandResult | undefined {
  if (!engine)
    return {
      ok: false,
      status: 503,
      error: 'the bot module exports no TTS (`export const tts = () => engine`)',
    };
  if (voice !== undefined && !engine.voices.includes(voice))
    return {
      ok: false,
      status: 400,
      error: `$.voice: ${JSON.stringify(voice.slice(0, 40))} is not one of ${engine.name}'s voices (${engine.voices.slice(0, 20).join(', ')}${engine.voices.length > 20 ? ', …' : ''})`,
    };
  return undefined;
}
