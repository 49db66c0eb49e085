export { botKind, parseBot } from "./registry";
export { previewBot, simulate, type PreviewDeal, type PreviewResult } from "./preview";
export type { Bot, RegisteredKind } from "./kind";
export type { BotFigures, BotPlan, LevelRefusal, PlanContext, PlannedOrder } from "./types";
export { dcaSettingsSchema, type DcaSettings } from "./dca/settings";
export { gridSettingsSchema, type GridSettings } from "./grid/settings";
export { takeProfitsSchema, trailingStopSchema, type TakeProfitsSettings, type TrailingStopSettings } from "./exits/settings";
export { planTakeProfits, startTakeProfits, takeProfitFilled } from "./exits/take-profits";
export { startTrailing, stepTrailing, type TrailingState } from "./exits/trailing-stop";
