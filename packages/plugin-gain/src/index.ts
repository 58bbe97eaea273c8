import { createGainPlugin } from './gain-plugin.js';

export { createGainPlugin, type GainOptions } from './gain-plugin.js';
/** The plugin's factory, as servers load plugins (`--inbound-stage @psrkit/plugin-gain=…`). */
export default createGainPlugin;
