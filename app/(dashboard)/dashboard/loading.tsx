export default function Loading() {
  return (
    <div className="animate-pulse" aria-busy="true">
      <div className="mb-2 h-7 w-48 rounded bg-muted" />
      <div className="mb-6 h-4 w-80 max-w-full rounded bg-muted" />
      <div className="h-64 rounded-xl bg-muted/70" />
    </div>
  );
}
