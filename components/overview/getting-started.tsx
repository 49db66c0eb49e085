import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { CheckCircle2, ChevronRight, ListOrdered, Wallet, Workflow } from "lucide-react";
import { Card } from "@/components/ui/card";
import { cn } from "@/lib/utils";

/** The first steps as a short checklist: shown until the trader has an account and a strategy. */
export async function GettingStarted({ accounts, strategies, orders }: { accounts: number; strategies: number; orders: number }) {
  const t = await getTranslations("dashboard");
  const to = await getTranslations("overview");
  const steps = [
    { icon: Wallet, title: t("step1Title"), body: t("step1Body"), href: "/dashboard/accounts/new", done: accounts > 0 },
    { icon: Workflow, title: t("step2Title"), body: t("step2Body"), href: "/dashboard/strategies/new", done: strategies > 0 },
    { icon: ListOrdered, title: t("step3Title"), body: t("step3Body"), href: "/dashboard/orders", done: orders > 0 },
  ];
  const next = steps.findIndex((s) => !s.done);
  return (
    <Card className="overflow-hidden" data-testid="getting-started">
      <div className="flex flex-wrap items-baseline justify-between gap-2 border-b px-4 py-3">
        <h2 className="font-semibold">{to("checklistTitle")}</h2>
        <span className="text-xs text-muted-foreground">{to("checklistProgress", { done: steps.filter((s) => s.done).length })}</span>
      </div>
      <ol className="divide-y">
        {steps.map((step, index) => (
          <li key={step.href}>
            <Link
              href={step.href}
              className={cn("group flex items-start gap-3 px-4 py-3 transition-colors hover:bg-accent/40", index === next && "bg-primary/5")}
              aria-current={index === next ? "step" : undefined}
            >
              {step.done ? (
                <CheckCircle2 className="mt-0.5 size-5 shrink-0 text-emerald-600" aria-label={t("stepDone")} data-testid="step-done" />
              ) : (
                <span className="mt-0.5 flex size-5 shrink-0 items-center justify-center rounded-full border text-xs font-semibold text-muted-foreground">
                  {index + 1}
                </span>
              )}
              <span className="min-w-0 flex-1">
                <span className={cn("flex items-center gap-2 text-sm font-medium", step.done && "text-muted-foreground line-through decoration-muted-foreground/40")}>
                  <step.icon className="size-4 shrink-0 text-primary" aria-hidden />
                  {step.title}
                </span>
                {step.done ? null : <span className="mt-0.5 block text-sm text-muted-foreground">{step.body}</span>}
              </span>
              <ChevronRight className="mt-0.5 size-4 shrink-0 text-muted-foreground transition-transform group-hover:translate-x-0.5" aria-hidden />
            </Link>
          </li>
        ))}
      </ol>
    </Card>
  );
}
