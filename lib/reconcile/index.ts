export { reconcileAccount, reconcileTiming, type ReconcileResult } from "./account";
export { reconcilePositions } from "./run";
export { comparePerpetual, compareSpot, type Comparison } from "./compare";
