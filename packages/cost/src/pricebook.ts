import type { GenAiUsageEvent } from '@agentmeter/api';
import { loadPriceFile, modelIdCandidates, shippedPriceTable, validatePriceTable, type ModelPrice, type PriceOverrides, type PriceTable } from './prices';

/** Options of a PriceBook (and of CostTracker). */
export interface PriceBookOptions {
  /**
   * Price overrides: an object (model id → ModelPrice, or `{ models, aliases }`) or the
   * path of a JSON file in either shape. Validated at construction; an invalid value
   * throws an error naming `prices` and the offending model and field.
   */
  readonly prices?: PriceOverrides | string;
  /** Start from an empty table instead of the shipped one (default false). */
  readonly replaceShippedPrices?: boolean;
}

/** A model id resolved to a table row. */
export interface ResolvedPrice {
  /** The table key the model resolved to (e.g. `gpt-4o` for `gpt-4o-2024-08-06`). */
  readonly model: string;
  readonly price: ModelPrice;
}

/** The cost of one call, in USD, and how it was made up. */
export interface CallCost {
  /** Total USD. */
  readonly usd: number;
  /** The table key the call was priced as. */
  readonly pricedAs: string;
  readonly breakdown: {
    /** Uncached input tokens × input price. */
    readonly input: number;
    readonly cacheRead: number;
    readonly cacheWrite: number;
    /** Output tokens other than reasoning tokens × output price. */
    readonly output: number;
    /** Reasoning tokens × reasoning price (the output price when the row has none). */
    readonly reasoning: number;
    /** Characters × perCharacter (text_to_speech). */
    readonly characters: number;
    /** Audio seconds × perSecond (speech_to_text). */
    readonly audio: number;
  };
}

/** Why a call got no price. */
export type UnpricedReason = 'unknown_model' | 'missing_price' | 'no_usage' | 'invalid';

/** The outcome of pricing one call. */
export type PricingResult =
  | { readonly priced: true; readonly cost: CallCost }
  | { readonly priced: false; readonly reason: UnpricedReason; readonly detail: string };

const M = 1_000_000;

function num(v: unknown): number | undefined | null {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'number' && v >= 0 && v < Infinity ? v : null;
}

/**
 * A price table (shipped prices.json plus user overrides) with model id resolution and
 * the pricing arithmetic. Pure: records nothing.
 */
export class PriceBook {
  private readonly table = new Map<string, ModelPrice>();
  private readonly aliasTable = new Map<string, string>();
  private readonly cache = new Map<string, ResolvedPrice | null>();
  /** The shipped table, not read yet: without overrides it is read on first use, not at start. */
  private shippedPending = false;

  constructor(options: PriceBookOptions = {}) {
    if (options === null || typeof options !== 'object') throw new TypeError('PriceBook options: expected an object');
    const p = options.prices;
    // overrides are checked against the shipped table at once (an invalid one fails at start)
    if (!options.replaceShippedPrices) {
      if (p === undefined) this.shippedPending = true;
      else this.merge(shippedPriceTable(), false);
    }
    if (p !== undefined) {
      const table = typeof p === 'string' ? loadPriceFile(p, 'prices') : validatePriceTable(p, 'prices');
      this.merge(table, true);
    }
    if (!this.shippedPending) {
      for (const [alias, target] of this.aliases) {
        if (!this.models.has(target)) throw new RangeError(`prices.aliases["${alias}"]: target model "${target}" has no price`);
      }
    }
  }

  private get models(): Map<string, ModelPrice> {
    if (this.shippedPending) {
      this.shippedPending = false;
      this.merge(shippedPriceTable(), false);
    }
    return this.table;
  }

  private get aliases(): Map<string, string> {
    void this.models; // reads the shipped table if pending
    return this.aliasTable;
  }

  private merge(t: PriceTable, override: boolean): void {
    for (const [id, row] of Object.entries(t.models)) {
      const base = override ? this.models.get(id) : undefined;
      const merged = { ...(base ?? {}), ...row };
      if (override && !base && !['input', 'output', 'cacheRead', 'cacheWrite', 'reasoning', 'perCharacter', 'perSecond'].some((k) => k in row)) {
        throw new RangeError(`prices["${id}"]: a model not in the shipped table needs at least one price (input, output, perCharacter or perSecond)`);
      }
      this.models.set(id, Object.freeze(merged));
      // an explicit price for an id beats an alias of the same id
      this.aliases.delete(id);
    }
    for (const [a, target] of Object.entries(t.aliases ?? {})) this.aliases.set(a, target);
  }

  /** Every model id in the table, sorted. */
  modelIds(): string[] {
    return [...this.models.keys()].sort();
  }

  /** The merged table (shipped + overrides) as a plain object. */
  toJSON(): PriceTable {
    return { models: Object.fromEntries(this.models), aliases: Object.fromEntries(this.aliases) };
  }

  /**
   * Resolve a model id (dated, gateway-prefixed, Bedrock/Vertex spelled) to a table row,
   * or undefined when the table has no price for it. Results are cached (bounded).
   */
  resolve(model: string): ResolvedPrice | undefined {
    if (typeof model !== 'string' || model.length === 0 || model.length > 256) return undefined;
    const hit = this.cache.get(model);
    if (hit !== undefined) return hit ?? undefined;
    let found: ResolvedPrice | null = null;
    for (const c of modelIdCandidates(model)) {
      const direct = this.models.get(c);
      if (direct) {
        found = { model: c, price: direct };
        break;
      }
      const target = this.aliases.get(c);
      const viaAlias = target !== undefined ? this.models.get(target) : undefined;
      if (target !== undefined && viaAlias) {
        found = { model: target, price: viaAlias };
        break;
      }
    }
    if (this.cache.size >= 10_000) this.cache.clear();
    this.cache.set(model, found);
    return found ?? undefined;
  }

  /**
   * Resolve the model a call should be priced as: the response model's exact row first
   * (a dated snapshot may have its own price), then the request model, then the response
   * model normalised.
   */
  resolveCall(event: Pick<GenAiUsageEvent, 'requestModel' | 'responseModel'>): ResolvedPrice | undefined {
    const resp = typeof event.responseModel === 'string' ? event.responseModel.trim().toLowerCase() : undefined;
    if (resp) {
      const exact = this.models.get(resp);
      if (exact) return { model: resp, price: exact };
    }
    return this.resolve(event.requestModel) ?? (event.responseModel ? this.resolve(event.responseModel) : undefined);
  }

  /**
   * Price one call. Token arithmetic: `inputTokens` INCLUDES cache-read and cache-write
   * tokens (agentmeter normalises every provider to that), so uncached input =
   * inputTokens − cacheReadTokens − cacheWriteTokens, priced at `input`; cache reads at
   * `cacheRead`; cache writes at `cacheWrite`; a missing cache price means those tokens
   * cost the normal input price. `outputTokens` INCLUDES reasoning tokens: reasoning tokens
   * are priced at `reasoning` (absent: `output`), the rest at `output`. When the call reports `audioSeconds` and the row has
   * a `perSecond` price, or `characters` and a `perCharacter` price, that media price is
   * the whole cost (tokens are not added); otherwise it is priced by tokens. A call whose model
   * is unknown, or which used a quantity the row has no price for, is unpriced: never 0.
   */
  price(event: GenAiUsageEvent): PricingResult {
    if (event === null || typeof event !== 'object' || typeof event.requestModel !== 'string') {
      return { priced: false, reason: 'invalid', detail: 'event without a string requestModel' };
    }
    const q = {
      inputTokens: num(event.inputTokens),
      outputTokens: num(event.outputTokens),
      cacheReadTokens: num(event.cacheReadTokens),
      cacheWriteTokens: num(event.cacheWriteTokens),
      reasoningTokens: num(event.reasoningTokens),
      characters: num(event.characters),
      audioSeconds: num(event.audioSeconds),
    };
    for (const [k, v] of Object.entries(q)) {
      if (v === null) return { priced: false, reason: 'invalid', detail: `${k} is not a finite number >= 0: ${String((event as unknown as Record<string, unknown>)[k])}` };
    }
    const input = q.inputTokens ?? 0;
    const output = q.outputTokens ?? 0;
    const cr = q.cacheReadTokens ?? 0;
    const cw = q.cacheWriteTokens ?? 0;
    // reasoning tokens are a subset of output; more reasoning than output means output is understated
    const reasoning = q.reasoningTokens ?? 0;
    const totalOut = Math.max(output, reasoning);
    const chars = q.characters ?? 0;
    const secs = q.audioSeconds ?? 0;
    if (input + output + cr + cw + chars + secs === 0) return { priced: false, reason: 'no_usage', detail: 'the call reported no usage' };
    const resolved = this.resolveCall(event);
    if (!resolved) return { priced: false, reason: 'unknown_model', detail: `no price for model "${event.requestModel}"` };
    const p = resolved.price;
    const zero = { input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0, characters: 0, audio: 0 };
    if (secs > 0 && p.perSecond !== undefined) {
      const audio = secs * p.perSecond;
      return { priced: true, cost: { usd: audio, pricedAs: resolved.model, breakdown: { ...zero, audio } } };
    }
    if (chars > 0 && p.perCharacter !== undefined) {
      const characters = chars * p.perCharacter;
      return { priced: true, cost: { usd: characters, pricedAs: resolved.model, breakdown: { ...zero, characters } } };
    }
    const missing = (what: string) => ({ priced: false as const, reason: 'missing_price' as const, detail: `model "${resolved.model}" has no ${what} price` });
    // Input includes the cache tokens; an event whose cache counts exceed its input is
    // trusted for the cache counts and has no uncached input.
    const totalIn = Math.max(input, cr + cw);
    const uncached = totalIn - cr - cw;
    if (totalIn + totalOut === 0) return missing(secs > 0 ? 'perSecond' : 'perCharacter');
    if (totalIn > 0 && p.input === undefined) return missing('input');
    if (totalOut - reasoning > 0 && p.output === undefined) return missing('output');
    if (reasoning > 0 && p.reasoning === undefined && p.output === undefined) return missing('output');
    const inPrice = p.input ?? 0;
    const b = {
      input: (uncached * inPrice) / M,
      cacheRead: (cr * (p.cacheRead ?? inPrice)) / M,
      cacheWrite: (cw * (p.cacheWrite ?? inPrice)) / M,
      output: ((totalOut - reasoning) * (p.output ?? 0)) / M,
      reasoning: (reasoning * (p.reasoning ?? p.output ?? 0)) / M,
      characters: 0,
      audio: 0,
    };
    return { priced: true, cost: { usd: b.input + b.cacheRead + b.cacheWrite + b.output + b.reasoning, pricedAs: resolved.model, breakdown: b } };
  }
}
