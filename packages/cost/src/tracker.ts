import type { MeterProvider } from '@opentelemetry/api';
import { CatalogueInstruments, onGenAiUsage, report, type GenAiUsageEvent } from '@agentmeter/api';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  CATALOGUE,
  METRIC_GEN_AI_CLIENT_COST,
  METRIC_GEN_AI_CLIENT_COST_UNPRICED_CALLS,
} from '@agentmeter/semconv';
import { PriceBook, type CallCost, type PriceBookOptions, type PricingResult } from './pricebook';
import { estimateWith, type MonthlyCostEstimate, type MonthlyCostInput } from './estimate';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';

const DEFS = {
  cost: CATALOGUE[METRIC_GEN_AI_CLIENT_COST],
  unpriced: CATALOGUE[METRIC_GEN_AI_CLIENT_COST_UNPRICED_CALLS],
};

/** Options of a CostTracker. */
export interface CostTrackerOptions extends PriceBookOptions {
  /** Record into this MeterProvider instead of the global one. */
  readonly meterProvider?: MeterProvider;
  /**
   * Most distinct providers and models kept in `totals()` (default 1000); beyond it,
   * calls are added under `_OTHER`.
   */
  readonly maxTotalsKeys?: number;
}

/** Priced spend of one provider or model. */
export interface CostSubtotal {
  /** USD spent on priced calls. */
  usd: number;
  /** Priced calls. */
  calls: number;
  /** Calls that could not be priced (unknown model or missing price). */
  unpricedCalls: number;
}

/** Totals since the tracker was created (or last reset). */
export interface CostTotals {
  readonly usd: number;
  readonly calls: number;
  readonly unpricedCalls: number;
  /** Keyed by gen_ai.provider.name. */
  readonly byProvider: Readonly<Record<string, Readonly<CostSubtotal>>>;
  /** Keyed by gen_ai.request.model (as the app asked for it). */
  readonly byModel: Readonly<Record<string, Readonly<CostSubtotal>>>;
}

const OTHER = '_OTHER';

/**
 * Prices every completed GenAI call published on the usage channel (after `attach()`)
 * or passed to `record()`: one `gen_ai.client.cost` point per priced call, one
 * `gen_ai.client.cost.unpriced_calls` increment per call whose model has no price (never
 * a 0 cost), and running totals by provider and model.
 */
export class CostTracker {
  /** The price table in force (shipped prices.json merged with the `prices` override). */
  readonly prices: PriceBook;
  private readonly inst: CatalogueInstruments<typeof DEFS>;
  private readonly maxKeys: number;
  private unsubscribe: (() => void) | undefined;
  private sum = 0;
  private priced = 0;
  private unpriced = 0;
  private byProvider = new Map<string, CostSubtotal>();
  private byModel = new Map<string, CostSubtotal>();

  /** Throws (naming the setting) when `prices` or another option is invalid. */
  constructor(options: CostTrackerOptions = {}) {
    if (options === null || typeof options !== 'object') throw new TypeError('CostTracker options: expected an object');
    const mk = options.maxTotalsKeys;
    if (mk !== undefined && !(Number.isInteger(mk) && mk > 0)) throw new RangeError(`CostTracker option maxTotalsKeys: expected a positive integer, got ${String(mk)}`);
    this.maxKeys = mk ?? 1000;
    this.prices = new PriceBook(options);
    this.inst = new CatalogueInstruments(PACKAGE_NAME, PACKAGE_VERSION, DEFS, options.meterProvider);
  }

  /**
   * Subscribe to the GenAI usage channel (every call completed by agentmeter's LLM and
   * speech recorders and the OpenAI/Anthropic instrumentations). Idempotent. Returns a
   * function that detaches.
   */
  attach(): () => void {
    if (!this.unsubscribe) this.unsubscribe = onGenAiUsage((ev) => this.record(ev));
    return () => this.detach();
  }

  /** Stop listening to the usage channel. */
  detach(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** True while attached to the usage channel. */
  get attached(): boolean {
    return this.unsubscribe !== undefined;
  }

  /** The cost of one call, or undefined when it cannot be priced. Records nothing. */
  priceCall(event: GenAiUsageEvent): CallCost | undefined {
    const r = this.prices.price(event);
    return r.priced ? r.cost : undefined;
  }

  /**
   * Price one call and record it: a cost point, or an unpriced-call increment, and the
   * totals. Calls without usage are ignored; invalid events are dropped with one
   * diagnostic. Never throws. Returns the pricing outcome.
   */
  record(event: GenAiUsageEvent): PricingResult {
    let r: PricingResult;
    try {
      r = this.prices.price(event);
      if (!r.priced && r.reason === 'invalid') {
        report('AGENTMETER_INVALID_VALUE', 'cost-event', `cost: dropped a GenAI usage event: ${r.detail}`);
        return r;
      }
      if (!r.priced && r.reason === 'no_usage') return r;
      if (r.priced && !(r.cost.usd >= 0 && r.cost.usd < Infinity)) {
        // e.g. Number.MAX_VALUE tokens: an infinite cost would poison the totals for good
        report('AGENTMETER_INVALID_VALUE', 'cost-non-finite', `cost: dropped a call whose cost is not a finite number (${r.cost.usd})`);
        return { priced: false, reason: 'invalid', detail: 'cost is not a finite number' };
      }
      if (typeof event.provider !== 'string' || typeof event.operation !== 'string') {
        report('AGENTMETER_INVALID_VALUE', 'cost-event-attrs', 'cost: dropped a GenAI usage event without string operation and provider');
        return { priced: false, reason: 'invalid', detail: 'operation and provider must be strings' };
      }
      const attrs = {
        [ATTR_GEN_AI_OPERATION_NAME]: event.operation,
        [ATTR_GEN_AI_PROVIDER_NAME]: event.provider,
        [ATTR_GEN_AI_REQUEST_MODEL]: event.requestModel,
      };
      if (r.priced) {
        this.inst.get('cost').record(r.cost.usd, attrs);
        this.sum += r.cost.usd;
        this.priced++;
      } else {
        this.inst.get('unpriced').add(1, attrs);
        this.unpriced++;
        report('AGENTMETER_UNPRICED_MODEL', `${event.provider}\u0000${event.requestModel}`, `cost: ${r.detail}; the call is counted in gen_ai.client.cost.unpriced_calls (add a price with the "prices" option)`);
      }
      this.add(this.byProvider, event.provider, r);
      this.add(this.byModel, event.requestModel, r);
      return r;
    } catch (e) {
      report('AGENTMETER_RECORD_FAILED', 'cost', `cost: recording failed: ${(e as Error)?.message}`);
      return { priced: false, reason: 'invalid', detail: String((e as Error)?.message) };
    }
  }

  private add(map: Map<string, CostSubtotal>, key: string, r: PricingResult): void {
    let s = map.get(key);
    if (!s) {
      if (map.size >= this.maxKeys) key = OTHER;
      s = map.get(key);
      if (!s) map.set(key, (s = { usd: 0, calls: 0, unpricedCalls: 0 }));
    }
    if (r.priced) {
      s.usd += r.cost.usd;
      s.calls++;
    } else {
      s.unpricedCalls++;
    }
  }

  /** Totals by provider and by request model since creation or the last reset(). */
  totals(): CostTotals {
    const copy = (m: Map<string, CostSubtotal>) => Object.fromEntries([...m].map(([k, v]) => [k, { ...v }]));
    return { usd: this.sum, calls: this.priced, unpricedCalls: this.unpriced, byProvider: copy(this.byProvider), byModel: copy(this.byModel) };
  }

  /** Forget the totals (metrics are cumulative and unaffected). */
  reset(): void {
    this.sum = 0;
    this.priced = 0;
    this.unpriced = 0;
    this.byProvider.clear();
    this.byModel.clear();
  }

  /** Monthly cost estimate with this tracker's prices. See estimateMonthlyCost. */
  estimateMonthlyCost(input: MonthlyCostInput): MonthlyCostEstimate {
    return estimateWith(this.prices, input);
  }
}
