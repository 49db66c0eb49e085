import { describe, expect, it } from "vitest";
import { drainKicker } from "@/lib/engine/drain-kick";

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe("the webhook's drain kicker", () => {
  it("runs one drain at a time however many signals arrive, and one more pass for those that came during it", async () => {
    const gates = [gate(), gate(), gate()];
    let runs = 0;
    let concurrent = 0;
    let most = 0;
    const kicker = drainKicker(async () => {
      const n = runs++;
      concurrent += 1;
      most = Math.max(most, concurrent);
      await gates[n]!.opened;
      concurrent -= 1;
    });

    const first = kicker.kick();
    expect(kicker.busy()).toBe(true);
    // A burst of 200 accepted signals while the first drain works.
    const during = Array.from({ length: 200 }, () => kicker.kick());
    gates[0]!.open();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(runs).toBe(2);
    gates[1]!.open();
    await Promise.all([first, ...during]);
    expect(runs).toBe(2);
    expect(most).toBe(1);
    expect(kicker.busy()).toBe(false);

    // Idle again: the next signal starts a drain of its own.
    const later = kicker.kick();
    gates[2]!.open();
    await later;
    expect(runs).toBe(3);
  });

  it("a failed drain is reported and does not stop the pass asked for meanwhile, nor the next kick", async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const release = gate();
    const kicker = drainKicker(
      async () => {
        runs += 1;
        if (runs === 1) {
          await release.opened;
          throw new Error("database went away");
        }
      },
      (error) => errors.push(error),
    );
    const first = kicker.kick();
    const second = kicker.kick();
    release.open();
    await Promise.all([first, second]);
    expect(runs).toBe(2);
    expect(errors).toHaveLength(1);
    await kicker.kick();
    expect(runs).toBe(3);
  });
});
