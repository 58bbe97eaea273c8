// Speaks one sentence through worker threads and returns: the process must then exit by
// itself (idle workers do not hold it).
import { lastValueFrom, toArray } from 'rxjs';
import { createEspeakTts } from '../espeak-tts.js';

const tts = await createEspeakTts({ threads: 2 });
const pieces = await lastValueFrom(tts.synthesize('Hello there.').pipe(toArray()));
console.log(`spoke ${pieces.length} pieces`);
