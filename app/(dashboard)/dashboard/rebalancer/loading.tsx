/** The Rebalancer page's shape while it loads: account picker, settings and next run, weights, runs. */
export default function Loading() {
  return (
    <div className="animate-pulse" aria-busy="true" data-testid="rebalancer-loading">
      <div className="mb-2 h-7 w-40 rounded bg-muted" />
      <div className="mb-6 h-4 w-72 max-w-full rounded bg-muted" />
      <div className="mb-6 h-9 w-64 max-w-full rounded-lg bg-muted" />
      <div className="mb-6 grid gap-6 lg:grid-cols-[3fr_2fr]">
        <div className="h-96 rounded-xl bg-muted/70" />
        <div className="h-48 rounded-xl bg-muted/70" />
      </div>
      <div className="mb-6 h-80 rounded-xl bg-muted/70" />
      <div className="h-56 rounded-xl bg-muted/70" />
    </div>
  );
}
