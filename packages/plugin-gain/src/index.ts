export { createGainPlugin, type GainOptions } from './gain-plugin.js';
