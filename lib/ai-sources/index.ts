export { computeIndicators, type IndicatorSnapshot } from "./indicators";
export { aiAnswerSchema, askModel, type AiAnswer, type ModelResult } from "./model";
export { ANSWER_INSTRUCTION, DEFAULT_PROMPT_TEMPLATE, renderPrompt } from "./prompt";
export { aiKeyContext, manualSlot, runAiSource, runDueAiSources, scheduledSlot, startDueAiSources, type AiRunDeps, type AiRunSummary } from "./run";
export { sealAiKey } from "./key";
