/**
 * `agentmeter run` sets AGENTMETER_RUN_PID to its own pid. If that process disappears
 * without forwarding a signal (killed with SIGKILL, or its own parent such as npx exited),
 * the app would be left running as an orphan holding its ports: the preload checks once a
 * second (an unref'd timer) and then sends itself SIGTERM.
 */
export function watchRunParent(env: NodeJS.ProcessEnv = process.env): void {
  const v = env.AGENTMETER_RUN_PID;
  if (!v || !/^\d+$/.test(v)) return;
  const pid = Number(v);
  if (pid === process.pid || !alive(pid)) return;
  const t = setInterval(() => {
    if (alive(pid)) return;
    clearInterval(t);
    process.kill(process.pid, 'SIGTERM');
  }, 1000);
  t.unref();
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True in npm, npx, pnpm, yarn, corepack and the agentmeter CLI: launchers, not the app. */
export function isLauncher(main: string | undefined = process.argv[1]): boolean {
  if (!main) return false;
  const m = main.replace(/\\/g, '/');
  return (
    /\/node_modules\/(npm|pnpm|yarn|corepack|@yarnpkg\/cli-dist|@agentmeter\/sdk)\/(bin|dist)\//.test(m) ||
    /\/(npm|npx|pnpm|pnpx|yarn|yarnpkg|corepack)$/.test(m) ||
    /\/(npm|npx)-cli\.js$/.test(m) ||
    /\/packages\/sdk\/bin\/agentmeter\.js$|\/bin\/agentmeter(\.js)?$/.test(m)
  );
}
