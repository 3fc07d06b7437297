// Start a Node child process and wait for a line on stdout.
import { spawn } from 'node:child_process';

export function startNode(args, { env = {}, readyLine = /^ready (\d+)/m, timeout = 20_000, cwd } = {}) {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], cwd });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const ready = new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timeout waiting for ready: ${out}\n${err}`)), timeout);
    const check = () => {
      const m = readyLine.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m);
      }
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`exited with ${code} before ready:\n${out}\n${err}`));
    });
  });
  ready.catch(() => undefined);
  return {
    child,
    ready,
    get stdout() {
      return out;
    },
    get stderr() {
      return err;
    },
    stop() {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      child.kill('SIGTERM');
      return new Promise((r) => child.once('exit', r));
    },
  };
}

/** Run a node command to completion; returns { status, stdout, stderr }. */
export function runNode(args, { env = {}, timeout = 30_000, cwd } = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const t = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('exit', (status, signal) => {
      clearTimeout(t);
      resolve({ status, signal, stdout, stderr });
    });
  });
}
