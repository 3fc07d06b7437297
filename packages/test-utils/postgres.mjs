// A throwaway PostgreSQL 15 cluster (Debian's postgresql-15) on 127.0.0.1, trust auth.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './net.mjs';

const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

function run(cmd, args, asPostgres) {
  const isRoot = process.getuid?.() === 0;
  const r = asPostgres && isRoot ? spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8' }) : spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stdout}${r.stderr}${r.error ?? ''}`);
  return r.stdout;
}

/** Start a cluster; returns { port, connectionString, stop() }. */
export async function startPostgres() {
  const dir = mkdtempSync(join(tmpdir(), 'agentmeter-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  const isRoot = process.getuid?.() === 0;
  const user = isRoot ? 'postgres' : process.env.USER ?? 'postgres';
  run(join(BIN, 'initdb'), ['-A', 'trust', '-U', user, '-D', data, '--no-sync'], true);
  run(join(BIN, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300`, 'start'], true);
  return {
    port,
    connectionString: `postgres://${user}@127.0.0.1:${port}/postgres`,
    async stop() {
      try {
        run(join(BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
