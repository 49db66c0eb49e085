export { rebalanceAccount, currentValuation, rebalanceTiming, type RunOutcome } from "./run";
export { rebalanceDue, nextRunAt } from "./schedule";
export { planRebalance, valuate, maxDrift, targetsProblem } from "./plan";
