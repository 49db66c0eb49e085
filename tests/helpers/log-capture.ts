import { Writable } from "node:stream";
import { createLogger, setLoggerForTests } from "@/lib/logger";

/** Routes the app's logger to an array of parsed lines until `restore()` (one test's worth). */
export function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  const logger = createLogger(sink);
  // Every line, whatever LOG_LEVEL the suite runs at (vitest.config.ts keeps the console quiet).
  logger.level = "trace";
  setLoggerForTests(logger);
  return { lines, raw, restore: () => setLoggerForTests(undefined) };
}
