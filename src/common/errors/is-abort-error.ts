/** True for the error an AbortSignal produces: our own cancellation. */
export function isAbortError(error: unknown): boolean {
  const e = error as { name?: unknown; code?: unknown } | null;
  return (
    e?.name === 'AbortError' ||
    e?.code === 'UND_ERR_ABORTED' ||
    e?.code === 'ABORT_ERR'
  );
}
