export interface EncoderFigure {
  /** CPU ms to encode the PCM. */
  readonly ms: number;
  /** Seconds of audio encoded per second of CPU. */
  readonly realTime: number;
}
export declare function speechLikePcm(seconds?: number): Int16Array;
export declare function measureEncoders(seconds?: number): Promise<{
  readonly seconds: number;
  readonly native: EncoderFigure | undefined;
  readonly wasm: EncoderFigure;
  readonly lamejs: EncoderFigure;
}>;
