import { getFormatter, getTranslations } from "next-intl/server";
import { VenueBans } from "@/components/admin/venue-bans";
import { SystemAutoRefresh } from "@/components/admin/system-auto-refresh";
import { SystemOutboxRetry } from "@/components/admin/system-outbox-retry";
import { OverviewSection, SectionEmpty } from "@/components/overview/section";
import { PageHeader } from "@/components/shell/app-shell";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { requirePageUser } from "@/lib/auth/session";
import { exchangeInfo } from "@/lib/exchanges/catalog";
import { loadSystemSnapshot, type Probe } from "./data";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  const t = await getTranslations("system");
  return { title: t("title") };
}

type T = Awaited<ReturnType<typeof getTranslations<"system">>>;

function age(t: T, seconds: number): string {
  if (seconds < 120) return t("age.seconds", { value: seconds });
  if (seconds < 2 * 3600) return t("age.minutes", { value: Math.round(seconds / 60) });
  return t("age.hours", { value: Math.round(seconds / 3600) });
}

function duration(t: T, ms: number): string {
  return ms < 1000 ? t("duration.ms", { value: ms }) : t("duration.seconds", { value: Math.round(ms / 100) / 10 });
}

function Figure({ label, value, detail, tone, testId }: { label: string; value: string; detail?: string; tone?: "ok" | "warn" | "bad"; testId: string }) {
  const color = tone === "bad" ? "text-destructive" : tone === "warn" ? "text-amber-600 dark:text-amber-400" : "";
  return (
    <Card className="min-w-0 gap-1 p-4" data-testid={testId}>
      <p className="text-xs font-medium text-muted-foreground">{label}</p>
      <p className={`text-xl font-semibold tabular-nums break-words sm:text-2xl ${color}`} data-testid={`${testId}-value`}>
        {value}
      </p>
      {detail ? <p className="text-xs text-muted-foreground wrap-anywhere">{detail}</p> : null}
    </Card>
  );
}

function probeFigure(t: T, probe: Probe): { value: string; detail: string; tone: "ok" | "warn" | "bad" } {
  if (probe.state === "off") return { value: t("probe.off"), detail: t("probe.offDetail"), tone: "ok" };
  if (probe.state === "down") return { value: t("probe.down"), detail: probe.error ?? "", tone: "bad" };
  return { value: t("probe.up"), detail: t("probe.ping", { ms: probe.ms ?? 0 }), tone: "ok" };
}

export default async function AdminSystemPage() {
  await requirePageUser("admin.view", "/admin/system");
  const [t, format, snapshot] = await Promise.all([getTranslations("system"), getFormatter(), loadSystemSnapshot()]);
  const when = (d: Date) => format.dateTime(d, { dateStyle: "short", timeStyle: "medium" });
  const { queue, jobs, errors, outbox, budgets, migrations } = snapshot;
  const database = probeFigure(t, snapshot.database);
  const redis = probeFigure(t, snapshot.redis);
  const queueTone = !queue ? "bad" : queue.oldestAgeSeconds !== null && queue.oldestAgeSeconds > 120 ? "warn" : "ok";

  return (
    <>
      <PageHeader title={t("title")} subtitle={t("subtitle")}>
        <SystemAutoRefresh renderedAt={snapshot.at.toISOString()} />
      </PageHeader>

      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <Figure
          testId="system-queue"
          label={t("queue.label")}
          value={queue ? String(queue.depth) : t("unavailable")}
          detail={queue ? (queue.oldestAgeSeconds === null ? t("queue.empty") : t("queue.oldest", { age: age(t, queue.oldestAgeSeconds) })) : undefined}
          tone={queueTone}
        />
        <Figure testId="system-database" label={t("database")} {...database} />
        <Figure testId="system-redis" label={t("redis")} {...redis} />
        <Figure
          testId="system-version"
          label={t("version.label")}
          value={snapshot.version}
          detail={
            migrations
              ? t("version.migrations", { applied: migrations.applied, known: migrations.known, last: migrations.last ?? "—" })
              : t("unavailable")
          }
          tone={migrations && migrations.known > 0 && migrations.applied < migrations.known ? "warn" : "ok"}
        />
      </div>

      <div className="mt-6 grid gap-6 lg:grid-cols-2">
        <OverviewSection title={t("jobs.title")} subtitle={t("jobs.subtitle")} data-testid="system-jobs" className="lg:col-span-2">
          <ul className="divide-y">
            {jobs.map(({ job, run }) => (
              <li key={job} className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 px-4 py-3" data-testid="system-job" data-job={job} data-ran={run ? "yes" : "no"}>
                <div className="min-w-0">
                  <p className="font-medium">{t.has(`jobs.names.${job}`) ? t(`jobs.names.${job}` as "jobs.names.drain") : job}</p>
                  <p className="text-xs text-muted-foreground">
                    {run
                      ? t("jobs.last", { when: when(run.finishedAt), duration: duration(t, run.durationMs), processed: run.processed })
                      : t("jobs.never")}
                  </p>
                  {run?.outcome === "failed" && run.error ? <p className="text-xs text-destructive wrap-anywhere">{run.error}</p> : null}
                </div>
                {run ? (
                  <div className="flex flex-wrap items-center gap-2 text-xs text-muted-foreground">
                    <Badge variant={run.outcome === "ok" ? "success" : "destructive"}>{t(`jobs.outcome.${run.outcome}`)}</Badge>
                    <Badge variant="outline">{t(`jobs.trigger.${run.trigger}`)}</Badge>
                    <span>{t("jobs.counts", { runs: run.runs, failures: run.failures })}</span>
                  </div>
                ) : (
                  <Badge variant="secondary">{t("jobs.waiting")}</Badge>
                )}
              </li>
            ))}
          </ul>
        </OverviewSection>

        <OverviewSection title={t("errors.title")} subtitle={t("errors.subtitle")} data-testid="system-errors">
          {errors === null ? (
            <SectionEmpty title={t("unavailable")} body={t("errors.unavailable")} />
          ) : errors.length === 0 ? (
            <SectionEmpty title={t("errors.empty")} body={t("errors.emptyBody")} />
          ) : (
            <ul className="divide-y">
              {errors.map((e) => (
                <li key={e.venue} className="flex items-center justify-between gap-4 px-4 py-3" data-testid="system-error-venue" data-venue={e.venue}>
                  <span className="font-medium">{exchangeInfo(e.venue)?.name ?? e.venue}</span>
                  <Badge variant="destructive">{t("errors.count", { count: e.errors })}</Badge>
                </li>
              ))}
            </ul>
          )}
        </OverviewSection>

        <OverviewSection title={t("budget.title")} subtitle={t("budget.subtitle")} data-testid="system-budget">
          <ul className="divide-y">
            {budgets.map((b) => {
              const pct = b.usedRatio === null ? null : Math.round(b.usedRatio * 100);
              return (
                <li key={b.venue} className="grid gap-1 px-4 py-3" data-testid="system-budget-venue" data-venue={b.venue}>
                  <div className="flex flex-wrap items-center justify-between gap-x-4">
                    <span className="font-medium">{exchangeInfo(b.venue)?.name ?? b.venue}</span>
                    <span className="text-xs text-muted-foreground">{t("budget.limit", { limit: b.limit, seconds: b.windowSeconds })}</span>
                  </div>
                  <div className="h-2 overflow-hidden rounded-full bg-muted" aria-hidden>
                    <div className={`h-full ${pct !== null && pct >= 80 ? "bg-amber-500" : "bg-primary"}`} style={{ width: `${pct ?? 0}%` }} />
                  </div>
                  <p className="text-xs text-muted-foreground">
                    {pct === null ? t("budget.unseen") : t("budget.used", { pct })}
                    {b.refused > 0 ? ` · ${t("budget.refused", { count: b.refused })}` : ""}
                  </p>
                </li>
              );
            })}
          </ul>
        </OverviewSection>

        <VenueBans />

        <OverviewSection
          title={t("outbox.title")}
          subtitle={t("outbox.subtitle")}
          data-testid="system-outbox"
          aside={outbox ? <SystemOutboxRetry dead={outbox.dead} /> : null}
        >
          {outbox === null ? (
            <SectionEmpty title={t("unavailable")} body={t("outbox.unavailable")} />
          ) : (
            <dl className="grid grid-cols-3 gap-2 px-4 py-4 text-center">
              <div>
                <dt className="text-xs text-muted-foreground">{t("outbox.pending")}</dt>
                <dd className="text-xl font-semibold tabular-nums" data-testid="outbox-pending">{outbox.pending}</dd>
              </div>
              <div>
                <dt className="text-xs text-muted-foreground">{t("outbox.retrying")}</dt>
                <dd className="text-xl font-semibold tabular-nums">{outbox.retrying}</dd>
              </div>
              <div>
                <dt className="text-xs text-muted-foreground">{t("outbox.dead")}</dt>
                <dd className={`text-xl font-semibold tabular-nums ${outbox.dead > 0 ? "text-destructive" : ""}`} data-testid="outbox-dead">
                  {outbox.dead}
                </dd>
              </div>
              {outbox.oldestAt ? (
                <p className="col-span-3 text-xs text-muted-foreground">
                  {t("outbox.oldest", { age: age(t, Math.max(0, Math.round((snapshot.at.getTime() - outbox.oldestAt.getTime()) / 1000))) })}
                </p>
              ) : null}
            </dl>
          )}
        </OverviewSection>
      </div>
    </>
  );
}
