export {
  createWasmMp3Backend,
  type WasmMp3Backend,
  type WasmMp3BackendOptions,
} from './wasm-mp3-backend.js';
