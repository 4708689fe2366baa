import { APIError } from 'openai';

/**
 * What a client of the official SDK sees of a refused call: its status and
 * error body (to compare a refusal with another, e.g. an unknown id's).
 */
export async function refusal(call: Promise<unknown>): Promise<unknown> {
  const error = await call.then(
    () => new Error('the call succeeded'),
    (e: unknown) => e,
  );
  if (!(error instanceof APIError)) {
    throw error;
  }
  return { status: error.status, error: error.error };
}
