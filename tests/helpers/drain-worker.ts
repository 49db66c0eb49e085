/**
 * One app process's drain, as a child process of a test (tests/integration/two-processes.test.ts):
 * `node --conditions=react-server --import tsx tests/helpers/drain-worker.ts`, configured by the
 * environment (DATABASE_URL, secrets, EXCHANGE_API_OVERRIDE). Commands arrive as JSON lines on stdin,
 * answers leave as JSON lines `{"drainWorker": answer}` on stdout:
 *   {"cmd":"budget","limit":150,"windowMs":60000}  -> {"budget":{...}}
 *   {"cmd":"drain","drainers":2}                   -> {"draining":true}, then drains until
 *   {"cmd":"stop"}                                 -> {"stopped":{"processed":n,"passes":n,"errors":[...]}}
 *   {"cmd":"exit"}
 */
import { createInterface } from "node:readline";
import { drainSignals } from "@/lib/engine";
import { venueBudgets } from "@/lib/exchanges/budget";

type Command = { cmd: "budget"; limit: number; windowMs: number } | { cmd: "drain"; drainers?: number } | { cmd: "stop" } | { cmd: "exit" };

// Under the "drainWorker" key: the app's own JSON log lines share stdout.
function say(message: unknown) {
  process.stdout.write(`${JSON.stringify({ drainWorker: message })}\n`);
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let running: Promise<void> | undefined;
let stopping = false;
const stats = { processed: 0, passes: 0, errors: [] as string[] };

async function drainer() {
  while (!stopping) {
    try {
      const { processed } = await drainSignals({ budgetMs: 2_000 });
      stats.processed += processed;
      stats.passes += 1;
      if (processed === 0) await sleep(50);
    } catch (error) {
      stats.errors.push(error instanceof Error ? error.message : String(error));
      await sleep(100);
    }
  }
}

async function handle(command: Command) {
  if (command.cmd === "budget") {
    Object.assign(venueBudgets.binance, { limit: command.limit, windowMs: command.windowMs });
    say({ budget: venueBudgets.binance });
  } else if (command.cmd === "drain") {
    stopping = false;
    Object.assign(stats, { processed: 0, passes: 0, errors: [] });
    running = Promise.all(Array.from({ length: command.drainers ?? 2 }, drainer)).then(() => undefined);
    say({ draining: true });
  } else if (command.cmd === "stop") {
    stopping = true;
    await running;
    running = undefined;
    say({ stopped: { ...stats } });
  } else if (command.cmd === "exit") {
    process.exit(0);
  }
}

let queue = Promise.resolve();
createInterface({ input: process.stdin }).on("line", (line) => {
  if (!line.trim()) return;
  queue = queue.then(() => handle(JSON.parse(line) as Command)).catch((error: unknown) => say({ error: String(error) }));
});
process.stdin.on("end", () => process.exit(0));
say({ ready: true, pid: process.pid });
