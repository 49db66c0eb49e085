import { describe, expect, it } from "vitest";
import { searchAudit, writeAudit } from "@/db/queries/audit";
import { useTestDatabase } from "../helpers/test-db";

useTestDatabase();

describe("the audit trail's groups", () => {
  it("'role' finds every change of someone's role, however it was made", async () => {
    for (const action of ["user.role_change", "user.promote.admin_email", "user.approve", "user.decline", "login.success"]) {
      await writeAudit({ action });
    }
    const { rows } = await searchAudit({ group: "role" });
    expect(rows.map((r) => r.action).sort()).toEqual(["user.approve", "user.promote.admin_email", "user.role_change"]);
    // The plain prefix groups are unchanged.
    const users = await searchAudit({ group: "user" });
    expect(users.rows.map((r) => r.action).sort()).toEqual(["user.approve", "user.decline", "user.promote.admin_email", "user.role_change"]);
  });

  it("'ai_source' finds the AI sources' actions, its underscore taken literally", async () => {
    for (const action of ["ai_source.created", "ai_source.run", "aiXsource.created"]) await writeAudit({ action });
    const { rows } = await searchAudit({ group: "ai_source" });
    expect(rows.map((r) => r.action).sort()).toEqual(["ai_source.created", "ai_source.run"]);
  });
});
