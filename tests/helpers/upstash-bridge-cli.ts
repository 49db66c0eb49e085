/**
 * The Upstash REST bridge as a process, for shell scripts (scripts/check-standalone.sh): flushes the
 * chosen Redis database, prints `{"url","token"}` on one line, and serves until SIGTERM or SIGINT.
 * usage: tsx tests/helpers/upstash-bridge-cli.ts [redis-url] [db]
 */
import { startUpstashBridge } from "./upstash-bridge";

const redis = new URL(process.argv[2] || process.env.REDIS_URL || "redis://127.0.0.1:6379");
const db = Number(process.argv[3] ?? 12);
const bridge = await startUpstashBridge({ redisHost: redis.hostname, redisPort: Number(redis.port || 6379), db });
await bridge.flush();
process.stdout.write(`${JSON.stringify({ url: bridge.url, token: bridge.token })}\n`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    void bridge.stop().finally(() => process.exit(0));
  });
}
