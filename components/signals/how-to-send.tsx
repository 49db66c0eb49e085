"use client";

import { useState } from "react";
import { useTranslations } from "next-intl";
import { ChevronDown, Send } from "lucide-react";
import { cn } from "@/lib/utils";
import { CopyButton } from "./copy-button";
import { secretSetup, sendSamples } from "./send-samples";

// A target position makes a perpetual strategy reverse or close (TradingView: {{strategy.market_position}}).
const PERPETUAL_EXAMPLES = [
  '{"action":"buy","position":"long","symbol":"BTCUSDT.P","id":"order-1"}',
  '{"action":"sell","position":"short","symbol":"BTCUSDT.P","id":"order-2"}',
  '{"action":"buy","position":"flat","symbol":"BTCUSDT.P","id":"order-3"}',
  '{"action":"{{strategy.order.action}}","position":"{{strategy.market_position}}","symbol":"{{ticker}}"}',
];

/**
 * How a script sends this signal a signed request: the secret goes into SIGNAL_SECRET (a placeholder
 * here), then curl, Node.js or Python signs and posts, with the real webhook URL filled in.
 */
export function HowToSend({ url, legacy = false, className }: { url: string; legacy?: boolean; className?: string }) {
  const t = useTranslations("signals");
  const tp = useTranslations("perpetuals.docs");
  const samples = sendSamples(url);
  const [lang, setLang] = useState(samples[0]!.lang);
  const sample = samples.find((s) => s.lang === lang) ?? samples[0]!;
  const setup = secretSetup(legacy);
  return (
    <details className={cn("group rounded-lg border bg-card", className)} data-testid="how-to-send">
      <summary className="flex cursor-pointer list-none items-center gap-2 px-3 py-2.5 text-sm font-medium [&::-webkit-details-marker]:hidden">
        <Send className="size-4 text-muted-foreground" />
        <span className="flex-1">{t("howToSend")}</span>
        <ChevronDown className="size-4 text-muted-foreground transition-transform group-open:rotate-180" />
      </summary>
      <div className="grid gap-4 border-t p-3 text-sm [&>*]:min-w-0">
        <p className="text-muted-foreground">{t("howToSendBody")}</p>
        <code className="block break-all rounded bg-muted px-2 py-1.5 font-mono text-xs">X-Signature: t=&lt;unix seconds&gt;,v1=hex(HMAC-SHA256(key, t + &quot;.&quot; + body))</code>
        <div className="grid gap-2">
          <div className="font-medium">{t("howToSendStep1")}</div>
          <p className="text-xs text-muted-foreground">{legacy ? t("howToSendSecretLegacy") : t("howToSendSecret")}</p>
          <div className="flex flex-col gap-2 sm:flex-row sm:items-start">
            <pre className="min-w-0 flex-1 overflow-x-auto rounded bg-muted p-2 font-mono text-xs" data-testid="how-to-send-setup">
              {setup}
            </pre>
            <CopyButton text={setup} label={t("copy")} copiedLabel={t("copied")} />
          </div>
        </div>
        <div className="grid gap-2">
          <div className="font-medium">{t("howToSendStep2")}</div>
          <div className="flex flex-wrap items-center justify-between gap-2">
            <div role="tablist" aria-label={t("howToSendLanguage")} className="inline-flex rounded-md border p-0.5">
              {samples.map((s) => (
                <button
                  key={s.lang}
                  type="button"
                  role="tab"
                  aria-selected={s.lang === sample.lang}
                  onClick={() => setLang(s.lang)}
                  className={cn(
                    "rounded px-2.5 py-1 text-xs font-medium transition-colors",
                    s.lang === sample.lang ? "bg-primary text-primary-foreground" : "text-muted-foreground hover:text-foreground",
                  )}
                >
                  {s.label}
                </button>
              ))}
            </div>
            <CopyButton text={sample.source} label={t("copyExample", { label: sample.label })} copiedLabel={t("copied")} testId="copy-send-example" />
          </div>
          <pre role="tabpanel" className="max-h-80 overflow-auto rounded bg-muted p-3 font-mono text-xs leading-relaxed" data-testid="how-to-send-code" data-lang={sample.lang}>
            {sample.source}
          </pre>
          <p className="text-xs text-muted-foreground">{t("howToSendAnswer")}</p>
        </div>
        <div className="grid gap-1.5" data-testid="how-to-send-perpetual">
          <div className="font-medium">{tp("title")}</div>
          <p className="text-xs text-muted-foreground">{tp("body")}</p>
          <pre className="overflow-auto rounded bg-muted p-2 font-mono text-xs">{PERPETUAL_EXAMPLES.join("\n")}</pre>
        </div>
      </div>
    </details>
  );
}
