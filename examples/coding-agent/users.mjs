// How `npm run example -- coding-agent` runs this example, and its simulated users.
export const example = {
  services: [],
  port: 8000,
  args: () => ['agent.cjs'],
  // agentmeter enabled and placed by env vars, like the seed's VICTOR_METRICS_ENABLED / _PORT
  env: { AGENTMETER_ENABLED: 'true', TASK_INTERVAL_MS: '500' },
};

const sleep = (ms, signal) => new Promise((r) => (signal.aborted ? r() : (setTimeout(r, ms), signal.addEventListener('abort', r, { once: true }))));
const TASKS = ['fix-bug', 'add-feature', 'refactor', 'write-tests', 'update-docs', 'bump-deps', 'fix-types', 'rename-module'];

export async function users({ appUrl, signal }) {
  const user = async () => {
    while (!signal.aborted) {
      const task = TASKS[Math.floor(Math.random() * TASKS.length)];
      await fetch(`${appUrl}/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ task }) })
        .then((r) => r.arrayBuffer())
        .catch(() => undefined);
      if (Math.random() < 0.1) await fetch(`${appUrl}/api/status`).then((r) => r.arrayBuffer()).catch(() => undefined);
      await sleep(150 + Math.random() * 300, signal);
    }
  };
  await Promise.all([user(), user()]);
}
