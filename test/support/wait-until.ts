/**
 * Polls `condition` until it holds, failing with `describe()` after
 * `timeoutMs`. For states that settle asynchronously (sockets closing); the
 * deadline only bounds a hang, it is never the thing under test.
 */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  describe: () => string,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting: ${describe()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
