import type { OperatorFunction } from 'rxjs';
import type { AudioFrame } from './audio-frame.js';
import { PipelineError } from './errors.js';

/** Sample rates a stage accepts, or `any`. */
export type StageInput = { readonly sampleRates: readonly number[] | 'any' };
/** What a stage emits: frames at the input's rate, or at a fixed rate. */
export type StageOutput = 'same-as-input' | { readonly sampleRate: number };

/**
 * Version 1 of the contract for third-party pipeline stages (noise gates, gain, VAD
 * taps, …). A plugin is a value made by a factory (`createXPlugin(options)`); importing
 * a plugin module must have no side effect. Frames are mono 16-bit {@link AudioFrame}s.
 */
export interface AudioStagePlugin<Options = void> {
  /** The contract's version: 1. */
  readonly specificationVersion: 1;
  /** Unique, kebab-case, e.g. `gain` or `acme-noise-gate`. */
  readonly name: string;
  /** The frames the stage takes. */
  readonly input: StageInput;
  /** The frames it gives. */
  readonly output: StageOutput;
  /**
   * Makes a fresh stage. It must forward `error` and `complete`, release everything on
   * unsubscribe, never mutate input frames, and keep each frame's `channel`.
   */
  createStage(options: Options): OperatorFunction<AudioFrame, AudioFrame>;
}

/** A set of plugins, registered explicitly. */
export interface StageRegistry {
  /** Adds a plugin; registering the same plugin again is a no-op. */
  register<O>(plugin: AudioStagePlugin<O>): void;
  /** A registered plugin by name. */
  get(name: string): AudioStagePlugin<unknown> | undefined;
  /** Every registered plugin, in the order registered. */
  list(): readonly AudioStagePlugin<unknown>[];
}

const NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Checks a value against the plugin contract; throws `PLUGIN_INCOMPATIBLE` saying what is wrong. */
export function checkStagePlugin(plugin: AudioStagePlugin<never>): void {
  const where = `plugin ${JSON.stringify((plugin as { name?: unknown })?.name ?? '?')}`;
  const fail = (message: string): never => {
    throw new PipelineError('PLUGIN_INCOMPATIBLE', message, { where: where });
  };
  if (plugin?.specificationVersion !== 1)
    fail(
      `specificationVersion ${String(plugin?.specificationVersion)} is not supported (this pipeline speaks 1)`,
    );
  if (typeof plugin.name !== 'string' || !NAME.test(plugin.name)) fail('name must be kebab-case');
  if (typeof plugin.createStage !== 'function') fail('createStage must be a function');
  const rates = plugin.input?.sampleRates;
  if (
    rates !== 'any' &&
    !(Array.isArray(rates) && rates.length > 0 && rates.every((r) => Number.isInteger(r) && r > 0))
  ) {
    fail('input.sampleRates must be "any" or a non-empty list of rates');
  }
  if (
    plugin.output !== 'same-as-input' &&
    !(Number.isInteger(plugin.output?.sampleRate) && plugin.output.sampleRate > 0)
  ) {
    fail('output must be "same-as-input" or { sampleRate }');
  }
}

/** Creates an empty registry. */
export function createStageRegistry(): StageRegistry {
  const plugins = new Map<string, AudioStagePlugin<unknown>>();
  return {
    register(plugin) {
      checkStagePlugin(plugin as AudioStagePlugin<never>);
      const existing = plugins.get(plugin.name);
      if (existing === (plugin as AudioStagePlugin<unknown>)) return;
      if (existing)
        throw new PipelineError(
          'PLUGIN_INCOMPATIBLE',
          'another plugin with this name is registered',
          { where: `plugin "${plugin.name}"` },
        );
      plugins.set(plugin.name, plugin as AudioStagePlugin<unknown>);
    },
    get: (name) => plugins.get(name),
    list: () => [...plugins.values()],
  };
}
