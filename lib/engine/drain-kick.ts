/**
 * At most one drain kicked by webhooks per process. Under a burst every accepted signal used to start
 * its own drain, and hundreds of them competed for the process and the database while new webhooks
 * waited. Now a kick while a drain runs only asks that drain for one more pass once it is done (the
 * new event may have arrived after its last claim), so a burst of any size costs one drain at a time.
 * The cron drain stays the safety net; drains of other processes and the cron run beside this one as
 * before (the queue's claims keep them apart).
 */
export interface DrainKicker {
  /** Starts a drain, or asks the running one for one more pass; resolves when the drain is idle again. */
  kick(): Promise<void>;
  /** Whether a drain is running now (for tests and the system page). */
  busy(): boolean;
}

export function drainKicker(run: () => Promise<unknown>, onError: (error: unknown) => void = () => {}): DrainKicker {
  let running: Promise<void> | null = null;
  let again = false;
  return {
    kick() {
      if (running) {
        again = true;
        return running;
      }
      running = (async () => {
        try {
          do {
            again = false;
            try {
              await run();
            } catch (error) {
              onError(error);
            }
          } while (again);
        } finally {
          running = null;
        }
      })();
      return running;
    },
    busy: () => running !== null,
  };
}
