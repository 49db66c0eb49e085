import { describe, expect, it } from "vitest";
import { groupCommit } from "@/lib/group-commit";

const deferred = () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  return { gate, release };
};

describe("group commit", () => {
  it("runs a lone call at once, and the calls made while a batch is in flight as one batch, each answered with its own result", async () => {
    const runs: number[][] = [];
    const first = deferred();
    const double = groupCommit(async (items: number[]) => {
      runs.push(items);
      if (runs.length === 1) await first.gate;
      return items.map((n) => n * 2);
    });
    const lone = double(1);
    await Promise.resolve();
    expect(runs).toEqual([[1]]);
    const later = [2, 3, 4].map((n) => double(n));
    expect(double.pending).toBe(4);
    first.release();
    expect(await lone).toBe(2);
    expect(await Promise.all(later)).toEqual([4, 6, 8]);
    expect(runs).toEqual([[1], [2, 3, 4]]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(double.pending).toBe(0);
  });

  it("fails every call of a failed batch and goes on with the next one", async () => {
    const first = deferred();
    let calls = 0;
    const store = groupCommit(async (items: string[]) => {
      calls += 1;
      if (calls === 1) {
        await first.gate;
        throw new Error("connection reset");
      }
      return items.map((s) => s.toUpperCase());
    });
    const failed = [store("a"), store("b")];
    await Promise.resolve();
    const next = store("c");
    first.release();
    for (const call of failed) await expect(call).rejects.toThrow("connection reset");
    expect(await next).toBe("C");
  });

  it("never answers a call with another's result when a batch returns the wrong number of results", async () => {
    const broken = groupCommit(async (items: number[]) => items.slice(1));
    await expect(Promise.all([broken(1), broken(2)])).rejects.toThrow("1 results for 2 calls");
  });

  it("caps a batch at maxBatch calls", async () => {
    const sizes: number[] = [];
    const run = groupCommit(
      async (items: number[]) => {
        sizes.push(items.length);
        return items;
      },
      { maxBatch: 3 },
    );
    expect(await Promise.all(Array.from({ length: 8 }, (_, i) => run(i)))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(sizes).toEqual([3, 3, 2]);
  });

  it("with isolateFailures, a call the database refuses fails alone: the others of its batch are tried alone and answered", async () => {
    const seen: string[][] = [];
    const store = groupCommit(
      async (items: string[]) => {
        seen.push(items);
        if (items.includes("bad")) throw new Error("invalid byte sequence");
        return items.map((s) => s.length);
      },
      { isolateFailures: true },
    );
    const answers = await Promise.allSettled(["a", "bad", "ccc"].map((s) => store(s)));
    expect(answers.map((a) => (a.status === "fulfilled" ? a.value : String(a.reason)))).toEqual([1, "Error: invalid byte sequence", 3]);
    expect(seen).toEqual([["a", "bad", "ccc"], ["a"], ["bad"], ["ccc"]]);
  });
});
