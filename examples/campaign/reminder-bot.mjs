// @ts-check
// The campaign's bot: a payment reminder. It greets the contact by name with the amount
// due, listens for an answer, notes whether they promised to pay, and hangs up.
//
// It speaks no words, so that it runs anywhere (no eSpeak, no network): a short chime
// stands in for the greeting, and the greeting's text goes to the results file. To speak
// it, stream a TTS as examples/outbound-call.ts does:
//   call.stream(tts.synthesize(greeting), { sampleRate: tts.sampleRate })
//
//   psrkit-campaign run examples/campaign/contacts.csv --bot examples/campaign/reminder-bot.mjs …
import { filter, firstValueFrom, map, take, takeUntil, timer } from 'rxjs';

/** How long it waits for the contact to say something. */
const LISTEN_MS = 3000;
/**
 * Speech, for this bot: a frame louder than −35 dBFS (RMS). The emulator's dead air is
 * ≈ −60 dBFS. A real bot would recognise the words ("vâng", "dạ được"); this one takes any
 * answer for a promise — an answering machine's greeting too, as no answer detector runs.
 */
const SPEECH_RMS = 32768 * 10 ** (-35 / 20);

/** 0.4 s of a soft two-note chime, 8 kHz mono. */
const chime = Int16Array.from({ length: 3200 }, (_, i) => {
  const hz = i < 1600 ? 660 : 880;
  const fade = Math.min(1, i / 160, (3200 - i) / 160);
  return Math.round(6000 * fade * Math.sin((2 * Math.PI * hz * i) / 8000));
});

/** A field of the contact, cut to letters, digits and spaces (it is hostile input). */
const clean = (/** @type {string | undefined} */ value) =>
  (value ?? '')
    .replace(/[^\p{L}\p{N} ]/gu, '')
    .slice(0, 40)
    .trim();

/** `1500000` → `1.500.000 đồng`. */
const dong = (/** @type {string | undefined} */ value) => {
  const n = Number(clean(value));
  return Number.isFinite(n) && n > 0 ? `${n.toLocaleString('vi-VN')} đồng` : 'thanh toán';
};

/** @param {Int16Array} samples */
const rms = (samples) => {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return Math.sqrt(sum / Math.max(1, samples.length));
};

/** @type {import('@psrkit/transport').Bot} */
export default async function reminderBot(call) {
  const name = clean(call.params['danh_xung']) || 'quý khách';
  const greeting = `Chào ${name}. Khoản ${dong(call.params['so_tien'])} đến hạn ngày mai; ${name} thanh toán đúng hạn được không ạ?`;
  call.setResult({ greeting, promised: 'no' });
  call.play({ sampleRate: 8000, channels: 1, samples: chime });
  // The contact's side (`call.audio()` listens on side B for an outbound call).
  const spoke = await firstValueFrom(
    call.audio().pipe(
      filter((frame) => rms(frame.samples) > SPEECH_RMS),
      take(1),
      map(() => true),
      takeUntil(timer(LISTEN_MS)),
    ),
    { defaultValue: false },
  );
  call.setResult({ promised: spoke ? 'yes' : 'no' });
  call.hangup();
}
