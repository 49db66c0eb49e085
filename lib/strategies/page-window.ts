/**
 * Which strategies one page of the Strategies page shows. A link to one strategy (`open`, as the overview,
 * the orders and a new strategy's redirect give) lands on the page that holds it, whatever page was asked.
 */
export function strategyPageWindow({ total, pageSize, page, openIndex }: { total: number; pageSize: number; page?: string; openIndex: number }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const asked = Number(page);
  const chosen = openIndex >= 0 ? Math.floor(openIndex / pageSize) + 1 : Number.isInteger(asked) && asked >= 1 ? Math.min(asked, pages) : 1;
  return { page: chosen, pages, start: (chosen - 1) * pageSize, end: Math.min(total, chosen * pageSize) };
}
