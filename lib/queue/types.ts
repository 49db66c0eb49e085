export interface QueueJob {
  id: string;
  payload: Record<string, unknown>;
  /** How many times the job has been claimed, this claim included. */
  attempts: number;
  leaseToken: string;
}

export interface QueueSize {
  /** Waiting jobs not under a valid lease, delayed ones included. */
  ready: number;
  /** Jobs claimed and still inside their lease. */
  leased: number;
}

export interface Queue {
  readonly driver: "postgres" | "upstash";
  /** Adds a job; it becomes claimable after `delayMs` (default now). Returns the job id. */
  enqueue(queue: string, payload: Record<string, unknown>, opts?: { delayMs?: number }): Promise<string>;
  /** Leases up to `limit` (default 1) available jobs, oldest first. */
  claim(queue: string, opts: { leaseMs: number; limit?: number }): Promise<QueueJob[]>;
  /** Removes a finished job; false when the lease token is no longer current (re-claimed or released). */
  ack(queue: string, job: QueueJob): Promise<boolean>;
  /**
   * Extends a held lease to `leaseMs` from now (a worker's heartbeat, so leases can be short and a crashed
   * worker's jobs come back within seconds); false when the lease token is no longer current.
   */
  extend(queue: string, job: QueueJob, leaseMs: number): Promise<boolean>;
  /** Gives the job back for a later attempt; false when the lease token is no longer current. */
  release(queue: string, job: QueueJob, opts?: { delayMs?: number }): Promise<boolean>;
  size(queue: string): Promise<QueueSize>;
}

export function checkMs(name: string, value: number | undefined, min = 0): number {
  const ms = value ?? 0;
  if (!Number.isFinite(ms) || ms < min) throw new RangeError(`${name} must be a number >= ${min}, got ${value}`);
  return Math.ceil(ms);
}

export function checkLimit(limit: number | undefined): number {
  const n = limit ?? 1;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  return n;
}
