/** Short-lived values shared by every server (tickers, market lists): Redis when configured, else the database. */
export interface SharedCache {
  readonly driver: "postgres" | "upstash";
  /** The value while it is fresh, else null. */
  get<T>(key: string): Promise<T | null>;
  set(key: string, value: unknown, ttlMs: number): Promise<void>;
}
