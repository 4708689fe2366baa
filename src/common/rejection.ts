/**
 * A promise rejected with `reason` as it is, whatever its type: what an
 * async function returns after `throw reason`, for the functions that
 * return a promise chain instead of being async (each await is a promise).
 */
export function rejection(reason: unknown): Promise<never> {
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passed on unchanged, as a rethrow would
  return Promise.reject(reason);
}
