// A throwaway redis-server (Debian's redis-server package) on 127.0.0.1: no persistence,
// a temp working directory removed on stop.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './net.mjs';

export const REDIS_BIN = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';

/** Start a server and wait until it accepts connections; returns { port, url, stop() }. */
export async function startRedis() {
  if (!existsSync(REDIS_BIN)) throw new Error(`redis-server not found at ${REDIS_BIN} (apt-get install redis-server, or set REDIS_SERVER)`);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'agentmeter-redis-'));
  const proc = spawn(REDIS_BIN, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      await new Promise((r) => (proc.exitCode !== null || proc.signalCode !== null ? r() : proc.once('exit', r)));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      () =>
        new Promise((resolve) => {
          const s = connect(port, '127.0.0.1', () => {
            s.end();
            resolve(true);
          }).on('error', () => resolve(false));
        }),
      { timeout: 10_000, what: 'redis-server accepting connections' },
    );
  } catch (e) {
    await stop();
    throw e;
  }
  return { port, url: `redis://127.0.0.1:${port}`, stop };
}
