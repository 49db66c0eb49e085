/** What to paste into TradingView: the webhook URL and the alert message. Safe for client components. */

export const WEBHOOK_PATH = "/api/webhooks/signals";

/** The webhook URL for a signal, e.g. https://trade.example.com/api/webhooks/signals/btc-trend. */
export function webhookUrl(base: string, name: string): string {
  return `${base.replace(/\/+$/, "")}${WEBHOOK_PATH}/${encodeURIComponent(name)}`;
}

/**
 * The alert message for a TradingView strategy alert, with TradingView placeholders. TradingView cannot
 * send headers, so the secret travels in the body; without it the text says YOUR_SECRET to replace.
 * The id makes a re-sent alert a duplicate; max_lag drops alerts that arrive more than 60 s late.
 * The signal name is not part of the message (it is in the URL); it is taken for symmetry with webhookUrl.
 */
export function tradingViewTemplate(_signalName: string, secret?: string): string {
  return JSON.stringify({
    secret: secret || "YOUR_SECRET",
    action: "{{strategy.order.action}}",
    symbol: "{{ticker}}",
    price: "{{close}}",
    id: "{{strategy.order.id}}-{{timenow}}",
    timestamp: "{{timenow}}",
    max_lag: 60,
  });
}
