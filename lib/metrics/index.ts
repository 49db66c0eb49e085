export { metrics, type Metrics } from "./registry";
export { trackJob, timeDrain } from "./jobs";
export { withOrderMetrics } from "./orders";
export { webhookOutcome } from "./webhook";
