import { randomBytes } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import { openDatabase, setDbHandleForTests, type DbHandle } from "@/db/client";

/**
 * A fresh, migrated database for one test file: PGlite in memory by default, or, when DATABASE_URL
 * names a PostgreSQL server, a scratch database created beside it and dropped afterwards.
 */
export function useTestDatabase() {
  const state: { handle?: DbHandle; drop?: () => Promise<void> } = {};

  beforeAll(async () => {
    const serverUrl = process.env.DATABASE_URL;
    if (serverUrl) {
      const { default: postgres } = await import("postgres");
      const name = `signalbridge_test_${randomBytes(5).toString("hex")}`;
      const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await admin.unsafe(`create database "${name}"`);
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      state.handle = await openDatabase({ url: url.toString(), migrate: true });
      state.drop = async () => {
        await admin.unsafe(`drop database if exists "${name}" with (force)`);
        await admin.end();
      };
    } else {
      state.handle = await openDatabase({ pgliteDir: "memory://", migrate: true });
    }
    setDbHandleForTests(state.handle);
  });

  afterAll(async () => {
    setDbHandleForTests(undefined);
    await state.handle?.close();
    await state.drop?.();
  });

  return {
    get db() {
      if (!state.handle) throw new Error("test database not ready");
      return state.handle.db;
    },
    get driver() {
      return state.handle?.driver;
    },
  };
}
