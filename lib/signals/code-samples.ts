/**
 * Copy-paste senders of a signed delivery (`X-Signature: t=<unix seconds>,v1=<hex>`), for the OpenAPI
 * document (`x-codeSamples`) and the API docs page. Each reads the secret from SIGNAL_SECRET.
 */
export interface CodeSample {
  lang: "shell" | "javascript" | "python";
  label: string;
  source: string;
}

const EXAMPLE_BODY = '{"action":"buy","symbol":"BTCUSDT","id":"order-1"}';

export function webhookCodeSamples(url: string): CodeSample[] {
  return [
    {
      lang: "shell",
      label: "curl",
      source: [
        `URL='${url}'`,
        `BODY='${EXAMPLE_BODY}'`,
        "TS=$(date +%s)",
        `SIG=$(printf '%s' "$TS.$BODY" | openssl dgst -sha256 -hmac "$SIGNAL_SECRET" | sed 's/^.* //')`,
        `curl -sS --max-time 10 -X POST "$URL" -H 'Content-Type: application/json' -H "X-Signature: t=$TS,v1=$SIG" --data-raw "$BODY"`,
      ].join("\n"),
    },
    {
      lang: "javascript",
      label: "Node.js",
      source: [
        'import { createHmac } from "node:crypto";',
        "",
        `const url = ${JSON.stringify(url)};`,
        `const body = JSON.stringify({ action: "buy", symbol: "BTCUSDT", id: "order-1" });`,
        "const t = Math.floor(Date.now() / 1000);",
        'const v1 = createHmac("sha256", process.env.SIGNAL_SECRET).update(`${t}.${body}`).digest("hex");',
        "const res = await fetch(url, {",
        '  method: "POST",',
        '  headers: { "Content-Type": "application/json", "X-Signature": `t=${t},v1=${v1}` },',
        "  body,",
        "  signal: AbortSignal.timeout(10_000),",
        "});",
        "console.log(res.status, await res.text());",
      ].join("\n"),
    },
    {
      lang: "python",
      label: "Python",
      source: [
        "import hashlib, hmac, json, os, time, urllib.error, urllib.request",
        "",
        `url = ${JSON.stringify(url)}`,
        'body = json.dumps({"action": "buy", "symbol": "BTCUSDT", "id": "order-1"}, separators=(",", ":"))',
        "t = str(int(time.time()))",
        'v1 = hmac.new(os.environ["SIGNAL_SECRET"].encode(), f"{t}.{body}".encode(), hashlib.sha256).hexdigest()',
        "request = urllib.request.Request(url, data=body.encode(), method=\"POST\", headers={",
        '    "Content-Type": "application/json", "X-Signature": f"t={t},v1={v1}"})',
        "try:",
        "    with urllib.request.urlopen(request, timeout=10) as response:",
        "        print(response.status, response.read().decode())",
        "except urllib.error.HTTPError as error:",
        "    print(error.code, error.read().decode())",
      ].join("\n"),
    },
  ];
}
