import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The price of one model. Token prices are USD per 1 million tokens; `perCharacter` is
 * USD per character synthesised (text to speech); `perSecond` is USD per second of audio
 * transcribed (speech to text). Absent means "no price for that quantity".
 */
export interface ModelPrice {
  /** gen_ai.provider.name of the model's vendor (informational). */
  readonly provider?: string;
  /** USD per 1M uncached input tokens. */
  readonly input?: number;
  /** USD per 1M output tokens. */
  readonly output?: number;
  /** USD per 1M input tokens read from the prompt cache (absent: priced as input). */
  readonly cacheRead?: number;
  /** USD per 1M input tokens written to the prompt cache (absent: priced as input). */
  readonly cacheWrite?: number;
  /** USD per 1M output tokens spent on reasoning (absent: priced as output, which is how providers bill them today). */
  readonly reasoning?: number;
  /** USD per character synthesised (text_to_speech). */
  readonly perCharacter?: number;
  /** USD per second of audio transcribed (speech_to_text). */
  readonly perSecond?: number;
  /** Where the price comes from (the provider's pricing page). */
  readonly source?: string;
  /** The date the price was taken (YYYY-MM-DD). */
  readonly date?: string;
  /** Caveats (long-context surcharges, estimates). */
  readonly note?: string;
}

/** A price table: models keyed by model id, and aliases (model id → table key). */
export interface PriceTable {
  readonly models: Readonly<Record<string, ModelPrice>>;
  readonly aliases?: Readonly<Record<string, string>>;
}

/**
 * User price overrides: either a map of model id → price, or a PriceTable-shaped object
 * (`{ models, aliases }`, the format of the shipped prices.json). Fields of a model that
 * is already in the table are merged over the shipped row.
 */
export type PriceOverrides = Readonly<Record<string, ModelPrice>> | PriceTable;

const PRICE_FIELDS = ['input', 'output', 'cacheRead', 'cacheWrite', 'reasoning', 'perCharacter', 'perSecond'] as const;
const TEXT_FIELDS = ['provider', 'source', 'date', 'note'] as const;
const TABLE_FIELDS = new Set(['models', 'aliases', 'currency', 'units', 'note', 'version', '$schema']);

/** Absolute path of the price table shipped with this package. */
export const SHIPPED_PRICES_PATH: string = join(__dirname, '..', 'prices.json');

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function validatePrice(v: unknown, where: string): ModelPrice {
  if (!isObj(v)) throw new TypeError(`${where}: expected an object of prices, got ${Array.isArray(v) ? 'an array' : typeof v}`);
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) {
    if ((PRICE_FIELDS as readonly string[]).includes(k)) {
      if (typeof val !== 'number' || !(val >= 0) || val === Infinity) {
        throw new RangeError(`${where}.${k}: expected a finite number >= 0 (USD), got ${JSON.stringify(val) ?? String(val)}`);
      }
      out[k] = val;
    } else if ((TEXT_FIELDS as readonly string[]).includes(k)) {
      if (typeof val !== 'string') throw new TypeError(`${where}.${k}: expected a string, got ${typeof val}`);
      out[k] = val;
    } else {
      throw new TypeError(`${where}: unknown field "${k}" (expected ${[...PRICE_FIELDS, ...TEXT_FIELDS].join(', ')})`);
    }
  }
  return out as ModelPrice;
}

/**
 * Validate a price table or override object and return it in PriceTable form, model ids
 * lower-cased. Throws a TypeError / RangeError naming `setting` and the offending field.
 */
export function validatePriceTable(input: unknown, setting: string): PriceTable {
  if (!isObj(input)) throw new TypeError(`${setting}: expected an object, got ${input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input}`);
  const tableForm = isObj(input.models) && Object.keys(input).every((k) => TABLE_FIELDS.has(k));
  const rawModels = (tableForm ? input.models : input) as Record<string, unknown>;
  const models: Record<string, ModelPrice> = {};
  for (const [id, row] of Object.entries(rawModels)) {
    const key = id.trim().toLowerCase();
    if (!key) throw new TypeError(`${setting}: empty model id`);
    models[key] = validatePrice(row, `${setting}${tableForm ? '.models' : ''}["${id}"]`);
  }
  const aliases: Record<string, string> = {};
  if (tableForm && input.aliases !== undefined) {
    if (!isObj(input.aliases)) throw new TypeError(`${setting}.aliases: expected an object of model id → table model id`);
    for (const [a, target] of Object.entries(input.aliases)) {
      if (typeof target !== 'string' || !target.trim()) throw new TypeError(`${setting}.aliases["${a}"]: expected a model id string`);
      aliases[a.trim().toLowerCase()] = target.trim().toLowerCase();
    }
  }
  return { models, aliases };
}

/** Read and validate a JSON price file (overrides or a whole table). Throws naming `setting` and the path. */
export function loadPriceFile(path: string, setting = 'prices'): PriceTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`${setting}: cannot read price file "${path}": ${(e as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new SyntaxError(`${setting}: price file "${path}" is not valid JSON: ${(e as Error).message}`);
  }
  return validatePriceTable(parsed, `${setting} (file "${path}")`);
}

let shipped: PriceTable | undefined;
/** The price table shipped with this package (prices.json), validated, frozen. */
export function shippedPriceTable(): PriceTable {
  if (!shipped) {
    const t = loadPriceFile(SHIPPED_PRICES_PATH, '@agentmeter/cost prices.json');
    shipped = Object.freeze({ models: Object.freeze(t.models), aliases: Object.freeze(t.aliases ?? {}) });
  }
  return shipped;
}

/**
 * Candidate table keys for a model id as providers and gateways spell it: lower-cased,
 * without a gateway prefix (`openai/`, `models/`), a Bedrock region and vendor prefix
 * (`us.anthropic.`), a Vertex `@date`, a `-v2:0` version, or a date / snapshot suffix
 * (`-2024-08-06`, `-20250929`, `-2411`, `-0613`, `-001`, `-latest`).
 */
export function modelIdCandidates(model: string): string[] {
  const out: string[] = [];
  let m = model.trim().toLowerCase();
  const push = (v: string) => {
    if (v && !out.includes(v)) out.push(v);
  };
  push(m);
  const slash = m.lastIndexOf('/');
  if (slash >= 0) push((m = m.slice(slash + 1)));
  const bedrock = m.replace(/^(?:us|eu|apac|global|us-gov)\./, '').replace(/^(?:anthropic|meta|mistral|amazon|cohere|openai)\./, '');
  if (bedrock !== m) push((m = bedrock));
  for (let i = 0; i < 4; i++) {
    const next = m
      .replace(/@(?:\d{8}|\d{3}|latest)$/, '')
      .replace(/-v\d+(?::\d+)?$/, '')
      .replace(/-(?:\d{4}-\d{2}-\d{2}|\d{8}|\d{4}|\d{3}|latest)$/, '');
    if (next === m) break;
    push((m = next));
  }
  return out;
}
