/**
 * Test helpers for code that detects answers: a scripted speech-to-text engine (no
 * service) and a way to cut PCM into a call's frames.
 */
export { answerFrames } from './answer-frames.js';
export { createScriptedStt, type ScriptedAudio, type ScriptedSttOptions } from './scripted-stt.js';
