/** The `code` of a Node file-system error (`ENOENT`, `ENOSPC`, …), if it has one. */
export function fsCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True when `error` says the file is not there (another process evicted or released it). */
export function isMissing(error: unknown): boolean {
  return fsCode(error) === 'ENOENT';
}
