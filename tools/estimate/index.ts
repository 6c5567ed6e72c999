/** Offline estimates of a recorded program run: monthly cost at list prices, and time to first deploy. */
export type { CostEstimate, CostItem, CostOptions } from "./cost";
export { costByComponent, estimateCost } from "./cost";
export type { DeployEstimate, PathStep } from "./deploy";
export { deploySteps, estimateDeploy, whyWaits } from "./deploy";
export type { Duration, Scenario } from "./durations";
export { DURATIONS, durationOf } from "./durations";
export type { Schedule, Step } from "./graph";
export { schedule, waitChain } from "./graph";
export { PRICES, PRICES_AS_OF, PRICE_REGION } from "./prices";
export type { ChangeEstimate, ChangeStep } from "./changes";
export { estimateChange, updateDurationOf } from "./changes";
export * from "./costRange";
