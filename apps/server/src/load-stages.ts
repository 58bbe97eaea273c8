import { type AudioStagePlugin, checkStagePlugin, PipelineError } from '@psrkit/pipeline';
import type { StageSpec } from '@psrkit/transport';
import { ConfigError } from './config.js';
import { importModule } from './load-bot.js';

/**
 * Loads the stages `--inbound-stage` names, each `<module>[=<json options>]`: the module's
 * default export is an `AudioStagePlugin`, or a function that returns one; the JSON is
 * what its `createStage` takes. Each is checked against the plugin contract and made once
 * with its options, so that a plugin that refuses them stops the start, not a call.
 * @throws {ConfigError} naming the flag, the module and what is wrong
 */
export async function loadStages(
  specs: readonly string[],
  option: string,
  cwd = process.cwd(),
): Promise<StageSpec[]> {
  const loaded: StageSpec[] = [];
  for (const spec of specs) {
    const at = spec.indexOf('=');
    const name = at < 0 ? spec : spec.slice(0, at);
    let options: unknown;
    if (at >= 0) {
      try {
        options = JSON.parse(spec.slice(at + 1));
      } catch (error) {
        throw new ConfigError(
          option,
          `${JSON.stringify(name)}: its options are not JSON (${(error as Error).message})`,
        );
      }
    }
    const module = await importModule(name, option, cwd);
    const exported = module['default'];
    const plugin = (
      typeof exported === 'function' ? (exported as () => unknown)() : exported
    ) as AudioStagePlugin<unknown>;
    try {
      checkStagePlugin(plugin as AudioStagePlugin<never>);
      plugin.createStage(options);
    } catch (error) {
      const why = error instanceof PipelineError ? error.message : (error as Error).message;
      throw new ConfigError(option, `${JSON.stringify(name)}: ${why}`);
    }
    loaded.push({ plugin, ...(options !== undefined && { options }) });
  }
  return loaded;
}
