/**
 * Group commit for statements many requests run at once (the webhook's event, queue job and delivery
 * record inserts): calls that arrive while the previous batch is in flight, or in the same synchronous
 * stretch of code, go to the database together as one statement, and each caller is answered when that
 * statement has committed, with its own result. Idle, a call runs at once (in a microtask); under a
 * burst, batches grow by themselves, so the database sees one round trip and one commit for many
 * requests instead of one each. Nothing is acknowledged before it is stored: a failed batch fails every
 * call in it, and each caller handles that as it would a failed statement of its own.
 */
export interface GroupCommit<I, O> {
  (item: I): Promise<O>;
  /** Calls waiting or in flight (for tests). */
  readonly pending: number;
}

export interface GroupCommitOptions {
  maxBatch?: number;
  /**
   * When a batch of several fails, run each of its calls alone, so one call the database refuses (a value
   * it cannot store) fails only that call. Only for a `run` that is one statement, which stores nothing
   * when it fails: a run that may have stored part of a batch before failing must not be replayed.
   */
  isolateFailures?: boolean;
}

export function groupCommit<I, O>(run: (items: I[]) => Promise<O[]>, options: GroupCommitOptions = {}): GroupCommit<I, O> {
  const maxBatch = options.maxBatch ?? 200;
  let queue: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  let flying = 0;
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    if (flying > 0 || queue.length === 0) return;
    const batch = queue.slice(0, maxBatch);
    queue = queue.slice(batch.length);
    flying = batch.length;
    const answer = async (calls: typeof batch) => {
      const results = await run(calls.map((c) => c.item));
      if (results.length !== calls.length) throw new Error(`group commit: ${results.length} results for ${calls.length} calls`);
      calls.forEach((c, i) => c.resolve(results[i]!));
    };
    answer(batch)
      .catch(async (error: unknown) => {
        if (!options.isolateFailures || batch.length === 1) {
          for (const c of batch) c.reject(error);
          return;
        }
        for (const c of batch) await answer([c]).catch((alone: unknown) => c.reject(alone));
      })
      .finally(() => {
        flying = 0;
        schedule();
      });
  };

  const schedule = () => {
    if (scheduled || flying > 0 || queue.length === 0) return;
    scheduled = true;
    queueMicrotask(flush);
  };

  const call = ((item: I) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      schedule();
    })) as GroupCommit<I, O>;
  Object.defineProperty(call, "pending", { get: () => queue.length + flying });
  return call;
}
