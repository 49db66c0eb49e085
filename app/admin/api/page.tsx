import { getTranslations } from "next-intl/server";
import { ExternalLink } from "lucide-react";
import { PageHeader } from "@/components/shell/app-shell";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { requirePageUser } from "@/lib/auth/session";
import { appOrigin } from "@/lib/env";
import { WEBHOOK_PATH, buildOpenApiDocument } from "@/lib/signals";
import type { CodeSample } from "@/lib/signals/code-samples";

type Operation = {
  summary?: string;
  description?: string;
  security?: unknown[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string }>;
  "x-codeSamples"?: CodeSample[];
};

export async function generateMetadata() {
  const t = await getTranslations("signals");
  return { title: t("apiTitle") };
}

/** A readable rendering of the OpenAPI document served at /api/openapi.json. */
export default async function ApiDocsPage() {
  await requirePageUser("signals.manage", "/admin/api");
  const t = await getTranslations("signals");
  const doc = buildOpenApiDocument({ exampleUrl: `${appOrigin()}${WEBHOOK_PATH}/YOUR_SIGNAL_NAME` }) as {
    paths: Record<string, Record<string, Operation>>;
  };
  return (
    <>
      <PageHeader title={t("apiTitle")} subtitle={t("apiSubtitle")}>
        <Button asChild variant="outline">
          <a href="/api/openapi.json" target="_blank" rel="noreferrer">
            <ExternalLink />
            {t("rawSpec")}
          </a>
        </Button>
      </PageHeader>
      <div className="grid gap-4" data-testid="api-docs">
        {Object.entries(doc.paths).flatMap(([path, ops]) =>
          Object.entries(ops).map(([method, op]) => (
            <Card key={`${method} ${path}`}>
              <CardHeader>
                <CardTitle className="flex flex-wrap items-center gap-2 font-mono text-sm">
                  <Badge>{method.toUpperCase()}</Badge>
                  {path}
                </CardTitle>
                {op.summary ? <CardDescription>{op.summary}</CardDescription> : null}
              </CardHeader>
              <CardContent className="grid gap-3 text-sm">
                {op.description ? <p className="whitespace-pre-line text-muted-foreground">{op.description}</p> : null}
                {op.requestBody?.content ? (
                  <details>
                    <summary className="cursor-pointer font-medium">{t("requestBody")}</summary>
                    <pre className="mt-2 max-h-96 overflow-auto rounded bg-muted p-3 font-mono text-xs">
                      {JSON.stringify(Object.values(op.requestBody.content)[0]?.schema ?? {}, null, 2)}
                    </pre>
                  </details>
                ) : null}
                {op["x-codeSamples"]?.length ? (
                  <div data-testid="code-samples">
                    <div className="mb-1 font-medium">{t("codeSamples")}</div>
                    <p className="mb-2 text-muted-foreground">{t("codeSamplesBody")}</p>
                    {op["x-codeSamples"].map((sample) => (
                      <details key={sample.label} data-testid="code-sample" data-lang={sample.lang}>
                        <summary className="cursor-pointer">{sample.label}</summary>
                        <pre className="mt-2 overflow-x-auto rounded bg-muted p-3 font-mono text-xs">{sample.source}</pre>
                      </details>
                    ))}
                  </div>
                ) : null}
                {op.responses ? (
                  <div>
                    <div className="mb-1 font-medium">{t("responses")}</div>
                    <ul className="grid gap-1">
                      {Object.entries(op.responses).map(([code, r]) => (
                        <li key={code} className="flex gap-2">
                          <code className="font-mono text-xs">{code}</code>
                          <span className="text-muted-foreground">{r.description}</span>
                        </li>
                      ))}
                    </ul>
                  </div>
                ) : null}
              </CardContent>
            </Card>
          )),
        )}
      </div>
    </>
  );
}
