import { PriceBook, type PriceBookOptions } from './pricebook';

/** Input of a monthly cost estimate (the seeds' estimate_monthly_cost). */
export interface MonthlyCostInput {
  /** Model id (dated ids and gateway spellings resolve like recorded calls). */
  readonly model: string;
  /** Requests per day. */
  readonly requestsPerDay: number;
  /** Average input tokens per request, INCLUDING any cached input tokens. */
  readonly inputTokens: number;
  /** Average output tokens per request. */
  readonly outputTokens: number;
  /** Average input tokens per request served from the prompt cache (a subset of inputTokens; default 0). */
  readonly cachedInputTokens?: number;
  /** Days in the month (default 30). */
  readonly days?: number;
}

/** A monthly cost estimate. USD amounts are unrounded. */
export interface MonthlyCostEstimate {
  readonly model: string;
  /** The price-table key the model resolved to. */
  readonly pricedAs: string;
  readonly provider?: string;
  readonly requestsPerDay: number;
  readonly inputTokens: number;
  readonly cachedInputTokens: number;
  readonly outputTokens: number;
  readonly days: number;
  readonly costPerRequest: number;
  readonly dailyCost: number;
  readonly monthlyCost: number;
  /** The prices used (USD per 1M tokens). */
  readonly prices: { readonly input?: number; readonly cacheRead?: number; readonly output?: number };
  readonly source?: string;
  readonly date?: string;
}

function need(v: unknown, name: string, optional = false): number {
  if (optional && v === undefined) return 0;
  if (typeof v !== 'number' || !(v >= 0) || v === Infinity) throw new RangeError(`estimateMonthlyCost: ${name} must be a finite number >= 0, got ${String(v)}`);
  return v;
}

/** Monthly estimate with a given PriceBook. Throws on invalid input or an unpriced model. */
export function estimateWith(book: PriceBook, input: MonthlyCostInput): MonthlyCostEstimate {
  if (input === null || typeof input !== 'object') throw new TypeError('estimateMonthlyCost: expected an object');
  if (typeof input.model !== 'string' || !input.model.trim()) throw new TypeError('estimateMonthlyCost: model must be a non-empty string');
  const requestsPerDay = need(input.requestsPerDay, 'requestsPerDay');
  const inputTokens = need(input.inputTokens, 'inputTokens');
  const outputTokens = need(input.outputTokens, 'outputTokens');
  const cachedInputTokens = need(input.cachedInputTokens, 'cachedInputTokens', true);
  const days = input.days === undefined ? 30 : need(input.days, 'days');
  if (cachedInputTokens > inputTokens) throw new RangeError('estimateMonthlyCost: cachedInputTokens is part of inputTokens and cannot exceed it');
  const resolved = book.resolve(input.model);
  if (!resolved) {
    throw new RangeError(`estimateMonthlyCost: no price for model "${input.model}"; known models: ${book.modelIds().join(', ')} (add one with the "prices" option)`);
  }
  const r = book.price({ operation: 'chat', provider: resolved.price.provider ?? 'unknown', requestModel: input.model, inputTokens, outputTokens, cacheReadTokens: cachedInputTokens });
  if (!r.priced && r.reason === 'missing_price') throw new RangeError(`estimateMonthlyCost: ${r.detail}; the estimate prices tokens`);
  const costPerRequest = r.priced ? r.cost.usd : 0; // no_usage: zero tokens cost zero
  const dailyCost = costPerRequest * requestsPerDay;
  const p = resolved.price;
  return {
    model: input.model,
    pricedAs: resolved.model,
    provider: p.provider,
    requestsPerDay,
    inputTokens,
    cachedInputTokens,
    outputTokens,
    days,
    costPerRequest,
    dailyCost,
    monthlyCost: dailyCost * days,
    prices: { input: p.input, cacheRead: p.cacheRead, output: p.output },
    source: p.source,
    date: p.date,
  };
}

/**
 * Estimate the monthly cost of `requestsPerDay` requests of `inputTokens` /
 * `outputTokens` on `model` (the seeds' estimate_monthly_cost), with the shipped price
 * table plus optional overrides. Throws a RangeError on negative / non-finite numbers
 * and on a model with no price.
 */
export function estimateMonthlyCost(input: MonthlyCostInput, options: PriceBookOptions = {}): MonthlyCostEstimate {
  return estimateWith(new PriceBook(options), input);
}

/** USD for people: cents for amounts >= $1, more digits for small amounts. */
export function formatUsd(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  const digits = abs >= 1 ? 2 : abs >= 0.01 ? 4 : 6;
  return '$' + v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

const n = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 4 });

/** Format an estimate as text (aligned lines, for the CLI) or JSON (pretty, stable keys). */
export function formatMonthlyEstimate(est: MonthlyCostEstimate, format: 'text' | 'json' = 'text'): string {
  if (format === 'json') return JSON.stringify(est, null, 2);
  const price = (label: string, v: number | undefined) => (v === undefined ? [] : [`${label} $${v}`]);
  const lines = [
    ['Model', est.pricedAs === est.model.toLowerCase() ? est.model : `${est.model} (priced as ${est.pricedAs})`],
    ['Provider', est.provider ?? 'unknown'],
    ['Requests per day', n(est.requestsPerDay)],
    ['Tokens per request', `${n(est.inputTokens)} input${est.cachedInputTokens ? ` (${n(est.cachedInputTokens)} cached)` : ''}, ${n(est.outputTokens)} output`],
    ['Prices per 1M tokens', [...price('input', est.prices.input), ...price('cached input', est.cachedInputTokens ? est.prices.cacheRead ?? est.prices.input : undefined), ...price('output', est.prices.output)].join(', ')],
    ['Price source', `${est.source ?? 'user override'}${est.date ? ` (${est.date})` : ''}`],
    ['Cost per request', formatUsd(est.costPerRequest)],
    ['Cost per day', formatUsd(est.dailyCost)],
    [`Cost per ${n(est.days)} days`, formatUsd(est.monthlyCost)],
  ];
  const w = Math.max(...lines.map(([k]) => (k as string).length)) + 1;
  return lines.map(([k, v]) => `${(k + ':').padEnd(w + 1)}${v}`).join('\n');
}

/** Result of running the `cost estimate` command. */
export interface CliResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Usage text of `agentmeter cost estimate`. */
export const COST_ESTIMATE_USAGE = `Usage: agentmeter cost estimate --model M --requests-per-day N --input-tokens I --output-tokens O
         [--cached-input-tokens C] [--days D] [--prices FILE] [--json]

Estimates the monthly cost of N requests per day of I input and O output tokens on model M,
with agentmeter's shipped price table (USD, list prices) and optional overrides in FILE.`;

const FLAGS: Record<string, keyof MonthlyCostInput | 'prices' | 'json' | 'help'> = {
  '--model': 'model',
  '--requests-per-day': 'requestsPerDay',
  '--input-tokens': 'inputTokens',
  '--output-tokens': 'outputTokens',
  '--cached-input-tokens': 'cachedInputTokens',
  '--days': 'days',
  '--prices': 'prices',
  '--json': 'json',
  '--help': 'help',
  '-h': 'help',
};

/**
 * Run `agentmeter cost estimate` with `argv` (the arguments after `estimate`). Never
 * throws and never exits the process: returns the exit code (0 ok, 1 no price / bad
 * price file, 2 usage error) and the text to print.
 */
export function runCostEstimateCli(argv: readonly string[]): CliResult {
  const fail = (code: number, msg: string): CliResult => ({ exitCode: code, stdout: '', stderr: `${msg}\n${code === 2 ? '\n' + COST_ESTIMATE_USAGE + '\n' : ''}` });
  const vals: Record<string, string> = {};
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = String(argv[i]);
    const eq = arg.indexOf('=');
    const flag = eq > 0 && arg.startsWith('--') ? arg.slice(0, eq) : arg;
    const key = FLAGS[flag];
    if (!key) return fail(2, `unknown argument: ${arg}`);
    if (key === 'help') return { exitCode: 0, stdout: COST_ESTIMATE_USAGE + '\n', stderr: '' };
    if (key === 'json') {
      json = true;
      continue;
    }
    const value = eq > 0 && arg.startsWith('--') ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') return fail(2, `${flag} needs a value`);
    vals[key] = value;
  }
  for (const req of ['model', 'requestsPerDay', 'inputTokens', 'outputTokens'] as const) {
    if (vals[req] === undefined) return fail(2, `missing --${req.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`);
  }
  const num = (k: string): number | undefined => {
    if (vals[k] === undefined) return undefined;
    const v = Number(vals[k]);
    return v;
  };
  for (const k of ['requestsPerDay', 'inputTokens', 'outputTokens', 'cachedInputTokens', 'days']) {
    const v = num(k);
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) return fail(2, `--${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} must be a number >= 0, got "${vals[k]}"`);
  }
  try {
    const est = estimateMonthlyCost(
      {
        model: vals.model as string,
        requestsPerDay: num('requestsPerDay') as number,
        inputTokens: num('inputTokens') as number,
        outputTokens: num('outputTokens') as number,
        cachedInputTokens: num('cachedInputTokens'),
        days: num('days'),
      },
      vals.prices ? { prices: vals.prices } : {},
    );
    return { exitCode: 0, stdout: formatMonthlyEstimate(est, json ? 'json' : 'text') + '\n', stderr: '' };
  } catch (e) {
    return fail(1, `agentmeter cost estimate: ${(e as Error).message}`);
  }
}
