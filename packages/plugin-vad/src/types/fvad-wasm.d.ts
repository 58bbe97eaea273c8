// The parts of @echogarden/fvad-wasm we use (it ships no types): libfvad's C API.
declare module '@echogarden/fvad-wasm' {
  export interface FvadModule {
    _fvad_new(): number;
    _fvad_free(instance: number): void;
    _fvad_reset(instance: number): void;
    /** 0 on success. */
    _fvad_set_mode(instance: number, mode: number): number;
    /** 0 on success (8000, 16000, 32000 or 48000). */
    _fvad_set_sample_rate(instance: number, rate: number): number;
    /** 1 voiced, 0 not, -1 error (frame must be 10, 20 or 30 ms). */
    _fvad_process(instance: number, frame: number, length: number): number;
    _malloc(bytes: number): number;
    _free(pointer: number): void;
    readonly HEAP16: Int16Array;
  }
  const createModule: () => Promise<FvadModule>;
  export default createModule;
}
