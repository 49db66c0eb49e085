"use client";

import { useState } from "react";
import { useTranslations } from "next-intl";
import { Check, Copy, Download, KeyRound } from "lucide-react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";

/** The recovery codes, shown once after they were created, with copy and download-as-text. */
export function TwoFactorRecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const t = useTranslations("twoFactor.codes");
  const [copied, setCopied] = useState(false);
  const text = `${t("fileHeader")}\n${t("fileNote")}\n\n${codes.join("\n")}\n`;

  function download() {
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = "signalbridge-recovery-codes.txt";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  return (
    <Card data-testid="recovery-codes-panel">
      <CardHeader>
        <CardTitle>{t("title")}</CardTitle>
        <CardDescription>{t("body")}</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        <Alert className="border-amber-500/50 bg-amber-500/5" data-testid="recovery-codes-warning">
          <KeyRound className="text-amber-600" />
          <span>{t("warning")}</span>
        </Alert>
        <ol className="grid grid-cols-1 gap-2 rounded-lg border bg-muted/40 p-4 font-mono text-sm min-[400px]:grid-cols-2" data-testid="recovery-codes">
          {codes.map((code) => (
            <li key={code} className="select-all rounded bg-background px-3 py-1.5 text-center tracking-wider" data-testid="recovery-code">
              {code}
            </li>
          ))}
        </ol>
        <div className="flex flex-wrap gap-2">
          <Button
            type="button"
            variant="outline"
            size="sm"
            onClick={() => void navigator.clipboard?.writeText(text).then(() => setCopied(true))}
            data-testid="recovery-codes-copy"
          >
            {copied ? <Check /> : <Copy />}
            {copied ? t("copied") : t("copy")}
          </Button>
          <Button type="button" variant="outline" size="sm" onClick={download} data-testid="recovery-codes-download">
            <Download />
            {t("download")}
          </Button>
          <Button type="button" size="sm" className="sm:ml-auto" onClick={onDone} data-testid="recovery-codes-done">
            {t("done")}
          </Button>
        </div>
      </CardContent>
    </Card>
  );
}
