/**
 * One /metrics for a process tree (node:cluster, PM2 cluster mode, fork()ed children,
 * worker threads) with nothing but the preload.
 *
 * Every process tries to bind the configured metrics port exclusively (`exclusive: true`,
 * so node:cluster does not share it among workers). The one that gets it is the
 * aggregator: it serves /metrics and listens on a private Unix socket (a named pipe on
 * Windows) derived from host and port. The others, and worker threads, join it there and
 * answer its "collect" request at each scrape with a snapshot of their registry. A scrape
 * waits a bounded time for the answers; a member that does not answer in time contributes
 * its previous snapshot and is counted in `agentmeter_aggregation_timeouts_total`.
 *
 * When a member goes away its last counter and histogram values stay in the aggregate, so
 * nothing summed goes down. When the aggregator itself goes away, the members race for the
 * port again; the winner takes over the state the aggregator saved with its last scrape,
 * so the sums continue. If the port is held by a program that is not an agentmeter
 * aggregator, one warning says so and the app runs on (retrying every 10 s).
 */
import { randomUUID } from 'node:crypto';
import { lstatSync, mkdirSync, promises as fsp, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createConnection, createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import type { Counter } from '@opentelemetry/api';
import { report } from '@agentmeter/api';
import {
  SnapshotAggregator,
  serializeChunks,
  serializeMerged,
  snapshotRegistry,
  snapshotStores,
  type MemberSnapshot,
  type Registry,
  type RegistrySnapshot,
  type RetiredState,
} from '@agentmeter/core';
import { listenErrorText, listenMetricsServer } from './server';

/** How long a member that was known to the previous aggregator may take to come back before its values are retired. */
const REJOIN_GRACE_MS = 15_000;
/** A saved aggregator state older than this is not taken over (a new run of the app starts from zero). */
const STATE_MAX_AGE_MS = 60_000;
/** Retry interval while the port is held by something that is not an agentmeter aggregator. */
const RETRY_MS = 10_000;
/** Longest line (one snapshot) accepted on the aggregation socket. */
const MAX_LINE = 512 * 1024 * 1024;

export type ProcessTreeRole = 'aggregator' | 'member' | 'standalone' | 'none';

export interface ProcessTreeOptions {
  registry: Registry;
  /** The metrics HTTP server, created but not listening. */
  server: Server | undefined;
  resource: Record<string, string>;
  host: string;
  port: number;
  /** Aggregate the process tree (false: serve this process's metrics only). */
  aggregate: boolean;
  /** Longest a scrape waits for the members' answers. */
  timeoutMillis: number;
}

interface Waiter {
  (answered: boolean): void;
}

interface Member {
  readonly id: string;
  worker: string;
  readonly thread: boolean;
  readonly fixed: boolean;
  pid: number;
  socket: Socket | undefined;
  last: RegistrySnapshot | undefined;
  lastRaw: string | undefined;
  waiters: Waiter[];
  grace: NodeJS.Timeout | undefined;
}

/** The stable worker index this process asks for: PM2's instance number (NODE_APP_INSTANCE), if any. */
function fixedWorker(): string | undefined {
  const v = process.env.NODE_APP_INSTANCE;
  return v !== undefined && /^\d{1,6}$/.test(v) ? v : undefined;
}

function safeDir(): string | undefined {
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const dir = join(tmpdir(), `agentmeter-${uid ?? 'user'}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (process.platform !== 'win32' && (st.mode & 0o077) !== 0)) {
      report('AGENTMETER_AGGREGATION_UNSAFE_DIR', dir, `${dir} is not a private directory of this user: processes of this app are not aggregated (one /metrics per process)`);
      return undefined;
    }
    return dir;
  } catch (e) {
    report('AGENTMETER_AGGREGATION_UNSAFE_DIR', dir, `cannot use ${dir} (${(e as Error).message}): processes of this app are not aggregated`);
    return undefined;
  }
}

function hostKey(host: string): string {
  return host.replace(/[^A-Za-z0-9.-]/g, '_');
}

/**
 * A line-delimited reader: calls onLine for each complete line. Only each new chunk is
 * searched for the newline and a line's pieces are joined once (a snapshot of several MB
 * arrives in many chunks; growing one string and searching it each time is quadratic).
 */
function readLines(socket: Socket, onLine: (line: string) => void): void {
  let parts: string[] = [];
  let size = 0;
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => {
    let from = 0;
    for (;;) {
      const i = d.indexOf('\n', from);
      if (i < 0) break;
      parts.push(d.slice(from, i));
      const line = parts.length === 1 ? parts[0] : parts.join('');
      parts = [];
      size = 0;
      from = i + 1;
      try {
        onLine(line);
      } catch (e) {
        report('AGENTMETER_AGGREGATION_PROTOCOL', 'line', `bad message on the aggregation socket: ${(e as Error).message}`);
      }
    }
    if (from < d.length) {
      parts.push(from === 0 ? d : d.slice(from));
      size += d.length - from;
      if (size > MAX_LINE) socket.destroy();
    }
  });
}

function send(socket: Socket | undefined, line: string): void {
  if (!socket || socket.destroyed) return;
  try {
    socket.write(line + '\n');
  } catch {
    // the member or aggregator is gone; its close handler cleans up
  }
}

/** Marks agentmeter's own signal listeners (the OTLP flush in start.ts too), so they are told apart from the app's. */
export const OWN_SIGNAL_HANDLER = Symbol.for('agentmeter.signal-handler');

/** Signal listeners that are not agentmeter's: the app's own. */
export function foreignListeners(sig: NodeJS.Signals): number {
  return process.listeners(sig).filter((l) => !(l as unknown as Record<symbol, boolean>)[OWN_SIGNAL_HANDLER]).length;
}

function rmQuiet(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/**
 * Serves this process's metrics, or the whole process tree's, on the configured port.
 * Never throws and never makes the app exit: a taken port gives one warning.
 */
export class ProcessTreeMetrics {
  role: ProcessTreeRole = 'none';
  /** This member's worker index (the `agentmeter_worker` label value), once known. */
  worker: string | undefined;
  readonly ready: Promise<{ host: string; port: number } | undefined>;
  private resolveReady!: (v: { host: string; port: number } | undefined) => void;
  private readonly id = randomUUID();
  private readonly thread = !isMainThread;
  private readonly fixed = fixedWorker();
  private readonly service: string;
  private readonly dir: string | undefined;
  private readonly sockPath: string | undefined;
  private readonly statePath: string | undefined;
  private stopped = false;
  private wasMember = false;
  private retry: NodeJS.Timeout | undefined;
  // aggregator
  private sockServer: NetServer | undefined;
  private readonly members = new Map<string, Member>();
  private aggregator = new SnapshotAggregator();
  private timeouts: Counter | undefined;
  /** Set once another process or thread joined (or a predecessor's state was taken over): from then on the exposition is the merged one. */
  private merging = false;
  private ownLast: RegistrySnapshot | undefined;
  private stateChain: Promise<void> = Promise.resolve();
  private saveSeq = 0;
  // member
  private link: Socket | undefined;
  private readonly onExit = () => this.exitNow();
  private readonly onSignals: Array<[NodeJS.Signals, () => void]> = [];

  constructor(private readonly o: ProcessTreeOptions) {
    this.ready = new Promise((r) => (this.resolveReady = r));
    this.service = o.resource['service.name'] ?? '';
    const tree = o.aggregate && o.port !== 0;
    this.dir = tree ? safeDir() : undefined;
    if (this.dir) {
      this.sockPath = process.platform === 'win32' ? `\\\\.\\pipe\\agentmeter-${process.env.USERNAME ?? ''}-${hostKey(o.host)}-${o.port}` : join(this.dir, `${hostKey(o.host)}-${o.port}.sock`);
      this.statePath = join(this.dir, `${hostKey(o.host)}-${o.port}.state.json`);
    }
    process.on('exit', this.onExit);
    if (this.sockPath && isMainThread) this.watchSignals();
    this.reelect();
  }

  /** What a scrape of this process's metrics server returns: the tree's aggregate, or its own registry. */
  chunks(): AsyncIterable<string> {
    return this.sockPath ? this.aggregate() : serializeChunks(this.o.registry, { resource: this.o.resource });
  }

  // ---------------------------------------------------------------- election

  /** elect() without a floating promise: whatever goes wrong is a diagnostic, never an unhandled rejection. */
  private reelect(): void {
    this.elect().catch((e: Error) => {
      report('AGENTMETER_AGGREGATION_FAILED', 'elect', `serving or joining the process tree's metrics failed: ${e?.message ?? String(e)}; this process's metrics may not be served`);
      this.resolveReady(undefined);
    });
  }

  private async elect(): Promise<void> {
    if (this.stopped) return;
    const { host, port } = this.o;
    // Try the port; if it is taken, join the aggregator holding it. An aggregator that is
    // starting (port bound, socket not yet) or stopping (socket closed, port not yet) is
    // retried for a moment (then every RETRY_MS).
    for (let i = 0; i < 8 && !this.stopped; i++) {
      if (!this.thread && this.o.server) {
        try {
          const addr = await listenMetricsServer(this.o.server, host, port, this.sockPath !== undefined);
          if (this.stopped) return;
          if (this.sockPath) await this.lead();
          else this.role = 'standalone';
          this.resolveReady(addr);
          return;
        } catch (err) {
          const e = err as NodeJS.ErrnoException;
          if (e.code !== 'EADDRINUSE' || !this.sockPath) {
            this.role = 'none';
            report(
              'AGENTMETER_METRICS_PORT',
              `${host}:${port}`,
              `cannot serve metrics on ${host}:${port}: ${listenErrorText(e)}. The app runs on without a metrics endpoint in this process; set AGENTMETER_METRICS_PORT (or the port option) to a free port`,
            );
            this.resolveReady(undefined);
            return;
          }
        }
      }
      if (!this.sockPath) break;
      const r = await this.join();
      if (r === 'joined') return;
      if (r === 'rejected') break;
      await sleep(50);
    }
    if (this.stopped) return;
    this.role = 'none';
    if (!this.thread && this.o.server)
      report(
        'AGENTMETER_METRICS_PORT',
        `${host}:${port}`,
        `cannot serve metrics on ${host}:${port}: port already in use by a program that is not this app's agentmeter. The app runs on; its metrics are not served until the port is free (retried every ${RETRY_MS / 1000} s). Set AGENTMETER_METRICS_PORT to a free port`,
      );
    this.resolveReady(undefined);
    if (this.sockPath) {
      this.retry = setTimeout(() => this.reelect(), RETRY_MS);
      this.retry.unref();
    }
  }

  // ---------------------------------------------------------------- member

  private join(): Promise<'joined' | 'absent' | 'rejected'> {
    return new Promise((resolve) => {
      const sock = createConnection(this.sockPath as string);
      let settled = false;
      const done = (r: 'joined' | 'absent' | 'rejected') => {
        if (settled) return;
        settled = true;
        clearTimeout(t);
        resolve(r);
      };
      const t = setTimeout(() => {
        sock.destroy();
        done('absent');
      }, 2000);
      t.unref();
      sock.on('error', () => done('absent'));
      sock.on('connect', () => {
        sock.unref();
        send(sock, JSON.stringify({ t: 'hello', id: this.id, want: this.fixed ?? this.worker, fixed: this.fixed !== undefined, thread: this.thread, service: this.service, pid: process.pid }));
      });
      readLines(sock, (line) => {
        if (line.startsWith('{')) {
          const m = JSON.parse(line) as { t: string; worker?: string; n?: number; why?: string };
          if (m.t === 'welcome') {
            this.worker = m.worker;
            this.role = 'member';
            this.wasMember = true;
            this.link = sock;
            this.resolveReady({ host: this.o.host, port: this.o.port });
            done('joined');
          } else if (m.t === 'reject') {
            report('AGENTMETER_METRICS_PORT', `${this.o.host}:${this.o.port}:reject`, `the metrics port ${this.o.host}:${this.o.port} is served by another app (${m.why}); this process's metrics are not served there. Set AGENTMETER_METRICS_PORT to a free port`);
            sock.destroy();
            done('rejected');
          } else if (m.t === 'collect') {
            const n = m.n;
            snapshotRegistry(this.o.registry).then(
              (s) => send(sock, `S ${n} ${JSON.stringify(s)}`),
              (e: Error) => report('AGENTMETER_AGGREGATION_PROTOCOL', 'snapshot', `snapshot failed: ${e.message}`),
            );
          }
        }
      });
      sock.on('close', () => {
        done('absent');
        if (this.link !== sock) return;
        this.link = undefined;
        this.role = 'none';
        if (this.stopped) return;
        // the aggregator is gone: race for the port again (jitter spreads the members)
        setTimeout(() => this.reelect(), 10 + Math.floor(Math.random() * 90)).unref();
      });
    });
  }

  // ---------------------------------------------------------------- aggregator

  /** Retire members known from the previous aggregator whose process is gone (frees their index at once). */
  private sweepGone(): void {
    for (const m of [...this.members.values()]) {
      if (m.socket || !m.pid) continue;
      try {
        process.kill(m.pid, 0);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ESRCH') this.retireMember(m);
      }
    }
  }

  /** The aggregation's own metrics, from the first member on (a lone process's exposition stays as it was). */
  private ensureOwnMetrics(): void {
    this.merging = true;
    if (this.timeouts) return;
    const meter = this.o.registry.getMeter('agentmeter');
    this.timeouts = meter.createCounter('agentmeter.aggregation.timeouts', { unit: '{process}', description: 'Processes or threads that did not answer an aggregated scrape in time (their previous values were served).' });
    this.timeouts.add(0);
    meter
      .createObservableUpDownCounter('agentmeter.aggregation.members', { unit: '{process}', description: 'Processes and threads aggregated by this /metrics endpoint (the serving one included).' })
      .addCallback((r) => {
        if (this.role === 'aggregator') r.observe(1 + [...this.members.values()].filter((m) => m.socket).length);
      });
  }

  private lowestFree(thread: boolean): string {
    this.sweepGone();
    const used = new Set<string>();
    if (this.worker !== undefined) used.add(this.worker);
    for (const m of this.members.values()) used.add(m.worker);
    for (let i = 0; ; i++) {
      const w = thread ? `t${i}` : String(i);
      if (!used.has(w)) return w;
    }
  }

  private async lead(): Promise<void> {
    this.role = 'aggregator';
    this.takeOverState();
    if (this.worker === undefined || (this.fixed === undefined && [...this.members.values()].some((m) => m.worker === this.worker))) this.worker = this.fixed ?? this.lowestFree(false);
    const path = this.sockPath as string;
    if (process.platform !== 'win32') {
      try {
        unlinkSync(path); // a stale socket file: we hold the port, so it is ours to replace
      } catch {
        // none
      }
    }
    const srv = createNetServer((sock) => this.accept(sock));
    this.sockServer = srv;
    await new Promise<void>((resolve) => {
      srv.once('error', (e) => {
        report('AGENTMETER_AGGREGATION_SOCKET', path, `cannot open the aggregation socket ${path} (${e.message}): other processes of this app are not aggregated`);
        this.sockServer = undefined;
        resolve();
      });
      srv.listen(path, () => {
        srv.unref();
        resolve();
      });
    });
  }

  private accept(sock: Socket): void {
    sock.unref();
    let member: Member | undefined;
    sock.on('error', () => undefined);
    readLines(sock, (line) => {
      if (!member) {
        const h = JSON.parse(line) as { t: string; id: string; want?: string; fixed?: boolean; thread?: boolean; service?: string; pid?: number };
        if (h.t !== 'hello' || typeof h.id !== 'string') return sock.destroy();
        if (h.service !== this.service) {
          send(sock, JSON.stringify({ t: 'reject', why: `service.name ${JSON.stringify(this.service)}` }));
          sock.end();
          return;
        }
        const known = this.members.get(h.id);
        if (known) {
          // a member of the previous aggregator coming back: same index, same values
          if (known.grace) clearTimeout(known.grace);
          known.grace = undefined;
          known.socket = sock;
          known.pid = h.pid ?? 0;
          member = known;
        } else {
          const thread = h.thread === true;
          let worker: string;
          if (h.fixed && typeof h.want === 'string') worker = h.want;
          else if (typeof h.want === 'string' && h.want !== this.worker && ![...this.members.values()].some((m) => m.worker === h.want)) worker = h.want;
          else worker = this.lowestFree(thread);
          member = { id: h.id, worker, thread, fixed: h.fixed === true, pid: h.pid ?? 0, socket: sock, last: undefined, lastRaw: undefined, waiters: [], grace: undefined };
          this.members.set(h.id, member);
        }
        send(sock, JSON.stringify({ t: 'welcome', worker: member.worker }));
        return;
      }
      const kind = line.charCodeAt(0);
      if (kind === 83 /* S */ || kind === 66 /* B */) {
        const sp = kind === 83 ? line.indexOf(' ', 2) : 1;
        const raw = line.slice(sp + 1);
        const snap = JSON.parse(raw) as RegistrySnapshot;
        if (!snap || !Array.isArray(snap.families)) throw new Error('a snapshot without families');
        member.last = snap;
        member.lastRaw = raw;
        const w = member.waiters;
        member.waiters = [];
        for (const f of w) f(true);
      }
    });
    sock.on('close', () => {
      if (!member || member.socket !== sock) return;
      this.retireMember(member);
    });
  }

  private retireMember(m: Member): void {
    if (this.members.get(m.id) !== m) return;
    this.members.delete(m.id);
    if (m.grace) clearTimeout(m.grace);
    try {
      if (m.last && m.last.families.length > 0) {
        this.ensureOwnMetrics(); // its values stay: from now on the exposition is the merged one
        this.aggregator.retire({ worker: m.worker, snapshot: m.last });
      }
    } catch (e) {
      report('AGENTMETER_AGGREGATION_PROTOCOL', 'retire', `the last values of worker ${m.worker} could not be kept: ${(e as Error).message}`);
    }
    for (const f of m.waiters) f(false);
    m.waiters = [];
  }

  /** One aggregated scrape: own snapshot, every member's answer (bounded wait), merged. */
  private async *aggregate(): AsyncGenerator<string, void, undefined> {
    if (!this.merging && this.members.size === 0) {
      // alone so far: exactly the single-process exposition (no worker label)
      yield* serializeChunks(this.o.registry, { resource: this.o.resource });
      return;
    }
    const asked: Array<Promise<boolean>> = [];
    const askedMembers: Member[] = [];
    const n = Date.now();
    for (const m of this.members.values()) {
      if (!m.socket || m.socket.destroyed) continue;
      askedMembers.push(m);
      asked.push(new Promise<boolean>((resolve) => m.waiters.push(resolve)));
      send(m.socket, JSON.stringify({ t: 'collect', n }));
    }
    if (asked.length) {
      const answered = new Array<boolean>(asked.length).fill(false);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(asked.map((p, i) => p.then((ok) => (answered[i] = ok)))),
        new Promise<void>((r) => {
          timer = setTimeout(r, this.o.timeoutMillis);
        }),
      ]);
      clearTimeout(timer);
      let late = 0;
      askedMembers.forEach((m, i) => {
        if (!answered[i] && this.members.get(m.id) === m) {
          late++;
          m.waiters = [];
        }
      });
      if (late) {
        this.ensureOwnMetrics();
        this.timeouts?.add(late);
        report('AGENTMETER_AGGREGATION_TIMEOUT', 'scrape', `${late} process(es) did not answer a scrape within ${this.o.timeoutMillis} ms; their previous values were served (counted in agentmeter_aggregation_timeouts_total)`);
      }
    }
    if (!this.merging) {
      // members that recorded nothing yet (a library's idle worker thread) do not turn a
      // lone process's exposition into the merged one
      if ([...this.members.values()].some((m) => m.last !== undefined && m.last.families.length > 0)) this.ensureOwnMetrics();
      else {
        yield* serializeChunks(this.o.registry, { resource: this.o.resource });
        return;
      }
    }
    // own values last, so this scrape already counts the members that were late
    const own = await snapshotRegistry(this.o.registry);
    this.ownLast = own;
    const snaps: MemberSnapshot[] = [{ worker: this.worker ?? '0', snapshot: own }];
    for (const m of this.members.values()) if (m.last) snaps.push({ worker: m.worker, snapshot: m.last });
    const merged = await this.aggregator.mergeAsync(snaps);
    await this.saveState();
    yield* serializeMerged(merged, { resource: this.o.resource });
  }

  // ---------------------------------------------------------------- hand-over state

  private stateText(own: RegistrySnapshot | undefined): string {
    return this.stateParts(own).join('');
  }

  /** The saved state as pieces (member snapshots are kept as the JSON they arrived in: no re-serialising). */
  private stateParts(own: RegistrySnapshot | undefined): string[] {
    const parts: string[] = [];
    if (own) parts.push(JSON.stringify({ id: this.id, worker: this.worker, thread: false, fixed: this.fixed !== undefined, pid: process.pid }).slice(0, -1) + ',"snap":' + JSON.stringify(own) + '}');
    for (const m of this.members.values()) {
      if (!m.lastRaw) continue;
      parts.push(JSON.stringify({ id: m.id, worker: m.worker, thread: m.thread, fixed: m.fixed, pid: m.pid }).slice(0, -1) + ',"snap":' + m.lastRaw + '}');
    }
    const out = [`{"v":1,"service":${JSON.stringify(this.service)},"at":${Date.now()},"retired":${JSON.stringify(this.aggregator.exportRetired())},"members":[`];
    parts.forEach((p, i) => out.push(i ? ',' + p : p));
    out.push(']}');
    return out;
  }

  /**
   * Before each scrape's answer goes out: what it will serve, for a successor if this
   * process goes away. Awaited before the response, so the saved state is never older
   * than what Prometheus last saw (a successor starting from older values would show a
   * decrease, a false counter reset). Writes are chained so a later state always wins.
   */
  private saveState(): Promise<void> {
    if (!this.statePath || this.role !== 'aggregator') return Promise.resolve();
    const parts = this.stateParts(this.ownLast);
    const path = this.statePath;
    const seq = ++this.saveSeq;
    const write = async () => {
      if (this.role !== 'aggregator') return;
      const tmp = `${path}.${process.pid}.${seq}.tmp`;
      const fh = await fsp.open(tmp, 'w', 0o600);
      try {
        for (const part of parts) await fh.write(part);
      } finally {
        await fh.close();
      }
      if (this.role !== 'aggregator') return rmQuiet(tmp);
      await fsp.rename(tmp, path);
    };
    const p = this.stateChain.then(write).catch((e: Error) => {
      report('AGENTMETER_AGGREGATION_STATE', 'save', `cannot save the aggregation state: ${e.message}`);
    });
    this.stateChain = p;
    return p;
  }

  private saveStateSync(): void {
    if (!this.statePath || this.role !== 'aggregator') return;
    try {
      const tmp = `${this.statePath}.${process.pid}.tmp`;
      writeFileSync(tmp, this.stateText(snapshotStores(this.o.registry)), { mode: 0o600 });
      renameSync(tmp, this.statePath);
    } catch {
      // best effort at exit
    }
  }

  private takeOverState(): void {
    const path = this.statePath;
    if (!path) return;
    let text: string;
    try {
      const st = statSync(path);
      text = readFileSync(path, 'utf8');
      unlinkSync(path);
      if (!this.wasMember && Date.now() - st.mtimeMs > STATE_MAX_AGE_MS) return;
    } catch {
      return;
    }
    try {
      const s = JSON.parse(text) as {
        v: number;
        service: string;
        retired: RetiredState;
        members: Array<{ id: string; worker: string; thread: boolean; fixed: boolean; pid: number; snap: RegistrySnapshot }>;
      };
      if (s.v !== 1 || s.service !== this.service) return;
      this.ensureOwnMetrics();
      this.aggregator.importRetired(s.retired);
      for (const m of s.members) {
        if (m.id === this.id) continue; // our own values are live
        const member: Member = { id: m.id, worker: m.worker, thread: m.thread, fixed: m.fixed, pid: m.pid, socket: undefined, last: m.snap, lastRaw: JSON.stringify(m.snap), waiters: [], grace: undefined };
        member.grace = setTimeout(() => this.retireMember(member), REJOIN_GRACE_MS);
        member.grace.unref();
        this.members.set(m.id, member);
      }
      this.sweepGone();
    } catch (e) {
      report('AGENTMETER_AGGREGATION_STATE', 'load', `the previous aggregator's state could not be read (${(e as Error).message}); sums restart from the live processes`);
    }
  }

  // ---------------------------------------------------------------- shutdown

  /**
   * A signal the app does not handle kills the process without an 'exit' event: send the
   * final values (member) or save the state (aggregator) first, then let the signal do
   * what it would have done. If the app handles the signal itself, nothing changes: its
   * exit sends the final values.
   */
  private watchSignals(): void {
    const signals: NodeJS.Signals[] = process.platform === 'win32' ? ['SIGINT', 'SIGTERM'] : ['SIGINT', 'SIGTERM', 'SIGHUP'];
    for (const sig of signals) {
      const handler = () => {
        if (foreignListeners(sig) > 0) {
          // The app's handler decides; 'exit' sends the values. agentmeter steps aside at once:
          // a handler that exits only when it is the last listener (the OpenAI Agents SDK's,
          // checked after an await) must not see agentmeter's listener and wait forever.
          this.unwatchSignals();
          return;
        }
        this.exitNow();
        this.leaveNow();
        this.unwatchSignals();
        // other agentmeter listeners (the OTLP flush) re-raise the signal when they are done
        if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
      };
      (handler as unknown as Record<symbol, boolean>)[OWN_SIGNAL_HANDLER] = true;
      process.on(sig, handler);
      this.onSignals.push([sig, handler]);
    }
  }

  private unwatchSignals(): void {
    for (const [sig, h] of this.onSignals) process.removeListener(sig, h);
    this.onSignals.length = 0;
  }

  /** After the final values went out: stop reporting (the process is about to die). */
  private leaveNow(): void {
    this.stopped = true;
    process.removeListener('exit', this.onExit);
    if (this.retry) clearTimeout(this.retry);
    this.link?.end();
  }

  private exitNow(): void {
    if (this.role === 'aggregator') {
      // a successor needs the state only if another process of the tree is still there
      if (this.members.size > 0) this.saveStateSync();
      else if (this.statePath) rmQuiet(this.statePath);
      if (this.sockPath && process.platform !== 'win32') rmQuiet(this.sockPath);
    } else if (this.role === 'member' && this.link) {
      try {
        this.link.write(`B ${JSON.stringify(snapshotStores(this.o.registry))}\n`);
      } catch {
        // best effort
      }
    }
  }

  /** Leave the tree: an aggregator saves its state for a successor; a member sends its last values. */
  async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.exitNow();
    this.stopped = true;
    process.removeListener('exit', this.onExit);
    this.unwatchSignals();
    if (this.retry) clearTimeout(this.retry);
    for (const m of this.members.values()) if (m.grace) clearTimeout(m.grace);
    if (this.link) {
      const l = this.link;
      this.link = undefined;
      await new Promise<void>((r) => l.end(r));
    }
    if (this.sockServer) {
      const s = this.sockServer;
      this.sockServer = undefined;
      for (const m of this.members.values()) m.socket?.destroy();
      await new Promise<void>((r) => s.close(() => r()));
    }
    this.role = 'none';
  }
}
