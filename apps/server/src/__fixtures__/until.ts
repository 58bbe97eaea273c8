/**
 * Polls `condition` every 20 ms until it holds; fails after `timeoutMs` (a generous limit: a
 * busy machine is slow, and only a condition that never holds should fail).
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
