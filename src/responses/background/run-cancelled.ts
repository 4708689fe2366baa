/**
 * Why a background run stops when `POST /v1/responses/{id}/cancel` asks:
 * the stream driver ends the response `cancelled` (ResponseEventMachine.cancel),
 * not `failed`.
 */
export class RunCancelled extends Error {
  constructor() {
    super('The background response was cancelled.');
    this.name = RunCancelled.name;
  }
}
