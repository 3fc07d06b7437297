import type { MeterProvider } from '@opentelemetry/api';
import { report } from '@agentmeter/api';
import { instrumentationRow, type InstrumentationName } from './instrumentation-table';
import { onFirstLoad } from './lazy';

export interface Enabled {
  readonly name: InstrumentationName;
  disable(): void;
}

/**
 * When the instrumentations are turned on:
 * - `eager`: now (start() called by the app, which may have loaded its libraries already);
 * - `lazy`: each when the app first requires a library it instruments (the `--require`
 *   preload: nothing of the app has loaded yet);
 * - `lazy-esm`: the same for `import` too (the `--import` preload with an in-thread loader).
 * Instrumentations without a library (runtime, http-otel) are always turned on now.
 */
export type EnableMode = 'eager' | 'lazy' | 'lazy-esm';

/** Configuration of some instrumentations, by name, given to their constructor. */
export type InstrumentationOptions = { readonly [N in InstrumentationName]?: Readonly<Record<string, unknown>> };

function enableNow(name: InstrumentationName, provider: MeterProvider, options: InstrumentationOptions): { disable(): void } | undefined {
  const load = instrumentationRow(name).load;
  if (!load) return undefined;
  try {
    const Ctor = load();
    const inst = new Ctor({ ...options[name], enabled: false, meterProvider: provider });
    inst.setMeterProvider(provider);
    inst.enable();
    return inst;
  } catch (err) {
    report('AGENTMETER_INSTRUMENTATION_FAILED', name, `instrumentation "${name}" could not be enabled: ${(err as Error).message}`);
    return undefined;
  }
}

/** Turn on the named instrumentations; one that fails to load is reported and skipped. */
export function enableInstrumentations(names: Iterable<InstrumentationName>, provider: MeterProvider, mode: EnableMode = 'eager', options: InstrumentationOptions = {}): Enabled[] {
  const out: Enabled[] = [];
  for (const name of names) {
    const row = instrumentationRow(name);
    if (!row.load) continue;
    if (mode !== 'eager' && row.modules.length > 0) {
      let inst: { disable(): void } | undefined;
      let stopped = false;
      const stopWaiting = onFirstLoad(row.modules, () => {
        if (!stopped) inst = enableNow(name, provider, options);
      }, { esm: mode === 'lazy-esm' });
      if (stopWaiting) {
        out.push({
          name,
          disable: () => {
            stopped = true;
            stopWaiting();
            inst?.disable();
          },
        });
        continue;
      }
    }
    const inst = enableNow(name, provider, options);
    if (inst) out.push({ name, disable: () => inst.disable() });
  }
  return out;
}
