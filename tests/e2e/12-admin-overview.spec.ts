import { expect, test } from "@playwright/test";
import { firstAdmin, Person } from "./support";

// The admin overview says how many accounts wait, and its button opens the users page at the waiting list.
test.describe.serial("admin overview: the waiting count and the way to the waiting list", () => {
  let admin: Person;
  let gail: Person;

  test.beforeAll(async ({ browser }) => {
    admin = await firstAdmin(browser);
    gail = await Person.create(browser, "Gail Waiting", "gail");
  });

  test.afterAll(async () => {
    await Promise.all([admin, gail].map((p) => p?.close()));
  });

  test("a new account is counted on the overview, and Review opens the waiting list with it", async () => {
    await admin.page.goto("/admin");
    const before = Number(await admin.page.getByTestId("review-pending").getAttribute("data-count"));
    await gail.register(undefined, { verify: false });

    await admin.page.goto("/admin");
    const review = admin.page.getByTestId("review-pending");
    await expect(review).toHaveAttribute("data-count", String(before + 1));
    await expect(review).toHaveText(`Review ${before + 1} waiting`);
    await expect(admin.page.getByTestId("stat-pending")).toHaveText(String(before + 1));

    await review.click();
    await expect(admin.page).toHaveURL(/\/admin\/users#pending$/);
    const row = admin.page.locator(`[data-testid="pending-user"][data-email="${gail.email}"]`);
    await expect(row).toBeVisible();
    await expect(admin.page.getByRole("heading", { name: "Waiting for approval" })).toBeInViewport();

    // Tidy: the account is approved, so the count goes back down.
    await row.getByTestId("approve-user").click();
    await expect(admin.page.getByTestId("approval-feedback")).toContainText("Gail Waiting is approved");
    await admin.page.goto("/admin");
    await expect(admin.page.getByTestId("review-pending")).toHaveAttribute("data-count", String(before));
    await expect(admin.page.getByTestId("stat-pending")).toHaveText(String(before));
  });
});
