/**
 * @agentmeter/cost: a price table shipped as data (prices.json), user overrides, the
 * pricing arithmetic (cache-aware), the CostTracker that records `gen_ai.client.cost`
 * and `gen_ai.client.cost.unpriced_calls` from the GenAI usage channel, totals, and a
 * monthly cost estimate (also as the `agentmeter cost estimate` CLI command).
 */
export { CostTracker } from './tracker';
export type { CostTrackerOptions, CostTotals, CostSubtotal } from './tracker';
export { PriceBook } from './pricebook';
export type { PriceBookOptions, ResolvedPrice, CallCost, PricingResult, UnpricedReason } from './pricebook';
export { SHIPPED_PRICES_PATH, shippedPriceTable, loadPriceFile, validatePriceTable, modelIdCandidates } from './prices';
export type { ModelPrice, PriceTable, PriceOverrides } from './prices';
export { estimateMonthlyCost, formatMonthlyEstimate, formatUsd, runCostEstimateCli, COST_ESTIMATE_USAGE } from './estimate';
export type { MonthlyCostInput, MonthlyCostEstimate, CliResult } from './estimate';
