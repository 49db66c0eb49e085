/** The Statistics page's shape while its figures load: filters, five tiles, two charts, a table. */
export default function Loading() {
  return (
    <div className="animate-pulse" aria-busy="true" data-testid="statistics-loading">
      <div className="mb-2 h-7 w-40 rounded bg-muted" />
      <div className="mb-6 h-4 w-72 max-w-full rounded bg-muted" />
      <div className="mb-6 h-10 w-72 max-w-full rounded-lg bg-muted" />
      <div className="mb-6 grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-5">
        {Array.from({ length: 5 }, (_, i) => (
          <div key={i} className={`h-24 rounded-xl bg-muted/70 ${i === 0 ? "col-span-2 lg:col-span-1" : ""}`} />
        ))}
      </div>
      <div className="mb-6 grid gap-6 lg:grid-cols-2">
        <div className="h-80 rounded-xl bg-muted/70" />
        <div className="h-80 rounded-xl bg-muted/70" />
      </div>
      <div className="h-56 rounded-xl bg-muted/70" />
    </div>
  );
}
