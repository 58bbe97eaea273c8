// Functions allowed to be longer than MAX_LINES (scripts/code-shape.mjs), as
// "<file> <name>" with the path of enclosing functions ("outer › inner"). Each entry says
// why. An entry whose function is short again fails the check: take it off.
export const ALLOWED_LONG_FUNCTIONS = new Set([]);
