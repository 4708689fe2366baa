/** The bytes one request holds against the budget, until it is released. */
export interface BodyReservation {
  /** Adds `bytes`; false, and nothing added, when the budget cannot hold them. */
  add(bytes: number): boolean;
  /** Gives every byte back; later calls do nothing. */
  release(): void;
}

/**
 * The bytes of request bodies the gateway holds right now, against a
 * ceiling. Each request opens a reservation, grows it with its declared
 * length or with its chunks as they arrive, and releases it once, however
 * the request ends.
 */
export class InflightBodyBudget {
  private used = 0;

  constructor(readonly limitBytes: number) {}

  /** Bytes reserved now. */
  get usedBytes(): number {
    return this.used;
  }

  /** A new reservation holding nothing yet. */
  reserve(): BodyReservation {
    let held = 0;
    let released = false;
    return {
      add: (bytes) => {
        if (released || this.used + bytes > this.limitBytes) {
          return false;
        }
        this.used += bytes;
        held += bytes;
        return true;
      },
      release: () => {
        if (!released) {
          released = true;
          this.used -= held;
          held = 0;
        }
      },
    };
  }
}
