import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { INSTRUMENTATIONS } from './instrumentation-table';
import { ConfigError, SETTING_ENV_VARS } from './settings';
import { resolveConfig } from './config';

/** Wrap a comma list at 88 columns, indented by 2. */
function wrap(text: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > 86) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => `  ${l}`).join('\n');
}

export const HELP = `agentmeter: metrics for Node.js AI applications

Usage:
  agentmeter run [--host H] [--port P] [--path /metrics] [--token-file F] -- node app.js [args...]
      Start any Node app with agentmeter preloaded (CommonJS and ESM); /metrics is
      served on H:P (default 127.0.0.1:9464) for the app's whole process tree. SIGINT,
      SIGTERM and SIGHUP go to the app; the exit status is the app's. Other settings
      come from AGENTMETER_* env.
  agentmeter cost estimate --model M --requests-per-day N --input-tokens I --output-tokens O [--days D] [--json]
      Estimate the monthly cost of a model from the shipped price table.
  agentmeter --help | --version

Environment (see docs/configuration.md):
${wrap(SETTING_ENV_VARS.join(', '))}.

Instrumentations (AGENTMETER_INSTRUMENTATIONS, comma list, or all / none; default: all
but those marked off):
${INSTRUMENTATIONS.map((r) => `  ${r.name.padEnd(14)}${r.defaultOn ? '' : '(off) '}${r.records.replace(/`/g, '')}`).join('\n')}
`;

class UsageError extends Error {}

function takeFlags(args: string[], allowed: Record<string, string>, booleans: string[] = []): { flags: Record<string, string>; rest: string[] } {
  const flags: Record<string, string> = {};
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('--')) break;
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (booleans.includes(name)) {
      flags[name] = 'true';
      continue;
    }
    if (!(name in allowed)) throw new UsageError(`unknown option --${name}`);
    const value = eq > 0 ? a.slice(eq + 1) : args[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    flags[name] = value;
  }
  return { flags, rest: args.slice(i) };
}

function runApp(args: string[]): Promise<number> {
  const { flags, rest } = takeFlags(args, { host: 'AGENTMETER_METRICS_HOST', port: 'AGENTMETER_METRICS_PORT', path: 'AGENTMETER_METRICS_PATH', 'token-file': 'AGENTMETER_METRICS_TOKEN_FILE' });
  if (rest.length === 0) throw new UsageError('nothing to run: agentmeter run [options] -- node app.js');
  const env: NodeJS.ProcessEnv = { ...process.env };
  const map: Record<string, string> = { host: 'AGENTMETER_METRICS_HOST', port: 'AGENTMETER_METRICS_PORT', path: 'AGENTMETER_METRICS_PATH', 'token-file': 'AGENTMETER_METRICS_TOKEN_FILE' };
  for (const [k, v] of Object.entries(flags)) env[map[k]] = k === 'token-file' ? resolve(v) : v;
  if (flags['token-file'] && !existsSync(resolve(flags['token-file']))) throw new UsageError(`--token-file ${flags['token-file']}: no such file`);
  // the app's preload would stop at start on an invalid setting: say so here, naming the flag
  try {
    resolveConfig({ env });
  } catch (err) {
    const flag = Object.keys(map).find((k) => map[k] === (err as ConfigError).setting && flags[k] !== undefined);
    if (err instanceof ConfigError && flag) throw new ConfigError(`--${flag} (${err.setting})`, err.detail);
    throw err;
  }
  const preload = pathToFileURL(join(__dirname, '..', 'register.mjs')).href;
  env.NODE_OPTIONS = `${env.NODE_OPTIONS ? env.NODE_OPTIONS + ' ' : ''}--import ${preload}`;
  env.AGENTMETER_PRELOAD_ONCE = preload;
  // The app (and its children) stop themselves if this process disappears without
  // forwarding a signal (see run-parent.ts): no orphan keeps holding a port.
  env.AGENTMETER_RUN_PID = String(process.pid);
  let [cmd, ...cmdArgs] = rest;
  if (cmd === 'node') cmd = process.execPath;
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, cmdArgs, { stdio: 'inherit', env });
    let forwarded = false;
    const forward = (sig: NodeJS.Signals) => () => {
      forwarded = true;
      if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    };
    const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as NodeJS.Signals[]).map((s) => [s, forward(s)] as const);
    for (const [s, h] of handlers) process.on(s, h);
    // npx / npm exec may exit on SIGTERM without passing it on: when this process is
    // re-parented (its parent is gone), stop the app as if the signal had reached us.
    const parent = process.ppid;
    const watch = setInterval(() => {
      if (process.ppid !== parent && !forwarded) forward('SIGTERM')();
    }, 500);
    child.on('error', (err) => {
      clearInterval(watch);
      for (const [s, h] of handlers) process.removeListener(s, h);
      process.stderr.write(`agentmeter: cannot start ${cmd}: ${err.message}\n`);
      resolvePromise(127);
    });
    child.on('exit', (code, signal) => {
      clearInterval(watch);
      for (const [s, h] of handlers) process.removeListener(s, h);
      resolvePromise(code ?? (signal ? 128 + (require('node:os').constants.signals[signal] ?? 1) : 1));
    });
  });
}

function costEstimate(args: string[]): number {
  const r = require('@agentmeter/cost').runCostEstimateCli(args) as { exitCode: number; stdout: string; stderr: string };
  if (r.stdout) process.stdout.write(r.stdout.endsWith('\n') ? r.stdout : r.stdout + '\n');
  if (r.stderr) process.stderr.write(r.stderr.endsWith('\n') ? r.stderr : r.stderr + '\n');
  return r.exitCode;
}

/** Entry point of the `agentmeter` bin; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    const [cmd, ...rest] = argv;
    if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
      process.stdout.write(HELP);
      return cmd === undefined ? 1 : 0;
    }
    if (cmd === '--version' || cmd === '-v') {
      process.stdout.write(require('../package.json').version + '\n');
      return 0;
    }
    if (cmd === 'run') return await runApp(rest);
    if (cmd === 'cost' && rest[0] === 'estimate') return costEstimate(rest.slice(1));
    throw new UsageError(`unknown command ${JSON.stringify(argv.join(' '))}`);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`agentmeter: ${err.message}\n\n${HELP}`);
      return 2;
    }
    process.stderr.write(`agentmeter: ${(err as Error).message}\n`);
    return 1;
  }
}
