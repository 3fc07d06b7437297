// Type tests of the typed catalogue (issue 11): compiled with `tsc --noEmit --strict` by
// test/types.test.mjs. Lines after an expect-error directive must fail to compile;
// everything else must compile. No casts: the instrument types follow from the entries.
//
// OpenTelemetry's instrument interfaces are structural: a Counter and an UpDownCounter
// (both add()), and a Histogram and a Gauge (both record()), are the same type to the
// compiler, so only add() vs record() mix-ups can be type errors.
import {
  metrics,
  type Counter,
  type Gauge,
  type Histogram,
  type ObservableCounter,
  type ObservableGauge,
  type ObservableUpDownCounter,
  type UpDownCounter,
} from '@opentelemetry/api';
import {
  CATALOGUE,
  isCatalogueName,
  METRIC_CACHE_OPERATIONS,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_PROVIDER_HEALTH,
  METRIC_HTTP_SERVER_ACTIVE_REQUESTS,
  METRIC_PROCESS_CPU_TIME,
  METRIC_PROCESS_MEMORY_USAGE,
  METRIC_PROCESS_UPTIME,
  METRIC_V8JS_GC_DURATION,
  type CatalogueName,
  type InstrumentKind,
  type MetricDefinition,
} from '@agentmeter/semconv';
import { CatalogueInstruments, createCatalogueInstrument, createCatalogueObservable, type SyncInstrument } from '@agentmeter/api';

/** true only when A and B are the same type. */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

const meter = metrics.getMeter('type-test');

// ---- CATALOGUE: literal keys and kinds
const durationKind: 'histogram' = CATALOGUE[METRIC_GEN_AI_CLIENT_OPERATION_DURATION].kind;
void durationKind;
// @ts-expect-error gen_ai.client.operation.duration is a histogram, not a counter
const wrongKind: 'counter' = CATALOGUE[METRIC_GEN_AI_CLIENT_OPERATION_DURATION].kind;
void wrongKind;
const durationName: 'gen_ai.client.operation.duration' = CATALOGUE[METRIC_GEN_AI_CLIENT_OPERATION_DURATION].name;
void durationName;
// @ts-expect-error not a catalogue metric
void CATALOGUE['gen_ai.client.no_such_metric'];
const someName: CatalogueName = METRIC_CACHE_OPERATIONS;
void someName;
// @ts-expect-error not a catalogue metric name
const notAName: CatalogueName = 'cache.no_such_metric';
void notAName;
// Every entry is still a MetricDefinition.
const anyDef: MetricDefinition = CATALOGUE[METRIC_GEN_AI_CLIENT_OPERATION_DURATION];
void anyDef;

// ---- createCatalogueInstrument: the instrument type follows from the kind
const duration = createCatalogueInstrument(meter, CATALOGUE[METRIC_GEN_AI_CLIENT_OPERATION_DURATION]);
const durationIsHistogram: Equals<typeof duration, Histogram> = true;
void durationIsHistogram;
duration.record(0.25, { 'gen_ai.operation.name': 'chat' });
// @ts-expect-error a Histogram is not a Counter
const durationAsCounter: Counter = duration;
void durationAsCounter;
// @ts-expect-error histograms have no add()
duration.add(1);

const ops = createCatalogueInstrument(meter, CATALOGUE[METRIC_CACHE_OPERATIONS]);
const opsIsCounter: Equals<typeof ops, Counter> = true;
void opsIsCounter;
ops.add(1);
// @ts-expect-error a Counter is not a Histogram
const opsAsHistogram: Histogram = ops;
void opsAsHistogram;

const active = createCatalogueInstrument(meter, CATALOGUE[METRIC_HTTP_SERVER_ACTIVE_REQUESTS]);
const activeIsUpDown: Equals<typeof active, UpDownCounter> = true;
void activeIsUpDown;
active.add(-1);

const health = createCatalogueInstrument(meter, CATALOGUE[METRIC_GEN_AI_PROVIDER_HEALTH]);
const healthIsGauge: Equals<typeof health, Gauge> = true;
void healthIsGauge;
// @ts-expect-error gauges have no add()
health.add(1);

// A definition whose kind is not known statically gives the union.
declare const someDef: MetricDefinition;
const unknownKind = createCatalogueInstrument(meter, someDef);
const unknownIsUnion: Equals<typeof unknownKind, SyncInstrument> = true;
void unknownIsUnion;
const kind: InstrumentKind = someDef.kind;
void kind;

// A name only known at run time: narrow it first.
declare const runtimeName: string;
// @ts-expect-error a string does not index the catalogue
void CATALOGUE[runtimeName];
if (isCatalogueName(runtimeName)) {
  const d: MetricDefinition = CATALOGUE[runtimeName];
  void d.prometheus;
}

// ---- createCatalogueObservable
const cpuTime = createCatalogueObservable(meter, CATALOGUE[METRIC_PROCESS_CPU_TIME]);
const cpuTimeIsObservableCounter: Equals<typeof cpuTime, ObservableCounter> = true;
void cpuTimeIsObservableCounter;
const memory = createCatalogueObservable(meter, CATALOGUE[METRIC_PROCESS_MEMORY_USAGE]);
const memoryIsObservableUpDown: Equals<typeof memory, ObservableUpDownCounter> = true;
void memoryIsObservableUpDown;
const uptime = createCatalogueObservable(meter, CATALOGUE[METRIC_PROCESS_UPTIME]);
const uptimeIsObservableGauge: Equals<typeof uptime, ObservableGauge> = true;
void uptimeIsObservableGauge;
uptime.addCallback((r) => r.observe(process.uptime()));
// @ts-expect-error histograms have no observable form
createCatalogueObservable(meter, CATALOGUE[METRIC_V8JS_GC_DURATION]);

// ---- CatalogueInstruments: get(key) is typed by the entry behind the key
const inst = new CatalogueInstruments('@agentmeter/type-test', '0.0.0', {
  duration: CATALOGUE[METRIC_GEN_AI_CLIENT_OPERATION_DURATION],
  ops: CATALOGUE[METRIC_CACHE_OPERATIONS],
});
const got: Equals<ReturnType<typeof inst.get<'duration'>>, Histogram> = true;
void got;
inst.get('duration').record(1);
inst.get('ops').add(1);
// @ts-expect-error the duration entry is a histogram
inst.get('duration').add(1);
// @ts-expect-error no such key
inst.get('tokens');
// @ts-expect-error the caller no longer chooses the instrument type
inst.get<Counter>('duration');
