// The parts of @echogarden/espeak-ng-emscripten we use (it ships no types).
declare module '@echogarden/espeak-ng-emscripten' {
  export interface EspeakVoice {
    readonly name: string;
    readonly identifier: string;
    readonly languages: readonly { readonly priority: number; readonly name: string }[];
  }
  export interface ESpeakNGWorker {
    /** 0 when the voice exists. */
    set_voice(name: string): number;
    list_voices(): EspeakVoice[];
    synthesize(text: string, callback: (samples: Int16Array, events: unknown[]) => void): void;
    readonly samplerate: number;
    rate: number;
    pitch: number;
  }
  export interface EspeakModule {
    eSpeakNGWorker: new () => ESpeakNGWorker;
  }
  const createModule: () => Promise<EspeakModule>;
  export default createModule;
}
