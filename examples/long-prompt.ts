// A long prompt, queued: each sentence is its own stream, synthesised while the one
// before plays, heard back to back without a gap; the bot hangs up when the last is done.
// A real bot would queue the sentences of a model's answer the same way.
//
//   node --import tsx apps/server/dist/bin.js --bot examples/long-prompt.ts
//   npx psr-sim call ws://127.0.0.1:8080/
import { createEspeakTts } from '@psrkit/plugin-tts-espeak';
import type { Bot } from '@psrkit/transport';

const tts = await createEspeakTts({ voice: 'vi' });

const NOTICE = [
  'Xin chào, đây là thông báo từ công ty điện lực.',
  'Ngày mai, từ tám giờ sáng đến mười một giờ trưa, khu vực của quý khách sẽ tạm ngừng cấp điện.',
  'Xin cảm ơn và chúc quý khách một ngày tốt lành.',
];

const bot: Bot = async (call) => {
  // `mode: 'queue'` is the default: each stream starts when the one before ends.
  const parts = NOTICE.map((sentence) =>
    call.stream(tts.synthesize(sentence), { sampleRate: tts.sampleRate }),
  );
  const last = await parts.at(-1)!.done;
  if (last.type === 'playback-end') call.hangup(); // not if the caller hung up first
};
export default bot;
