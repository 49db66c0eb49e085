/** Engine control flow shared by the drain, the executor and the lifecycle (no imports: no cycles). */

/** The event is tried again later (with its job re-queued), not marked done. */
export class RetryLater extends Error {
  constructor(
    reason: string,
    public readonly delayMs?: number,
  ) {
    super(reason);
    this.name = "RetryLater";
  }
}

/** The drain lost its lease on the signal: another drain may be working on it, so nothing is sent. */
export class LeaseLostError extends Error {
  constructor() {
    super("signal lease lost");
    this.name = "LeaseLostError";
  }
}

/** A wait of our own before anything is sent (a cancel not confirmed yet, a busy position): transient. */
export class WaitFor extends Error {
  constructor(public readonly code: string) {
    super(`waiting: ${code}`);
    this.name = "WaitFor";
  }
}
