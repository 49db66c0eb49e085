import Link from "next/link";
import { Button } from "./button";

/** Previous/next links with "page x of y": the one pager of every paged list. */
export function Pager({
  page,
  pages,
  href,
  labels,
}: {
  page: number;
  pages: number;
  href: (page: number) => string;
  labels: { previous: string; next: string; pageOf?: string };
}) {
  return (
    <div className="flex items-center gap-2">
      {labels.pageOf ? <span>{labels.pageOf}</span> : null}
      <Button asChild variant="outline" size="sm" aria-disabled={page <= 1} className={page <= 1 ? "pointer-events-none opacity-50" : ""}>
        <Link href={href(Math.max(1, page - 1))}>{labels.previous}</Link>
      </Button>
      <Button asChild variant="outline" size="sm" aria-disabled={page >= pages} className={page >= pages ? "pointer-events-none opacity-50" : ""}>
        <Link href={href(Math.min(pages, page + 1))}>{labels.next}</Link>
      </Button>
    </div>
  );
}
