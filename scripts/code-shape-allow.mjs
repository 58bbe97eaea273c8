// Functions allowed to be longer than MAX_LINES (scripts/code-shape.mjs), as
// "<file> <name>" with the path of enclosing functions ("outer › inner"). Each entry says
// why. An entry whose function is short again fails the check: take it off.
export const ALLOWED_LONG_FUNCTIONS = new Set([
  // 249 lines; not split yet (issue 32)
  'apps/server/src/metrics.ts createServerMetrics',
  // 100 lines; not split yet (issue 32)
  'apps/server/src/recording.ts recordCall',
  // 81 lines; not split yet (issue 32)
  'packages/agent/src/agent-from-env.ts agentFromEnv',
]);
