// How `npm run example -- chatbot-agent` runs this example, and its simulated users.
export const example = {
  services: ['postgres'],
  port: 8000,
  args: () => ['--import', '@agentmeter/sdk/register', 'server.mjs'],
  // the app attaches its own CostTracker (to read its totals): the SDK's built-in one is off
  env: { AGENTMETER_COST: 'false', OTEL_SERVICE_NAME: 'chatbot-agent', FLAKY_DOCS: '1' },
};

const sleep = (ms, signal) => new Promise((r) => (signal.aborted ? r() : (setTimeout(r, ms), signal.addEventListener('abort', r, { once: true }))));
const QUESTIONS = ['how many users signed up today', 'top products this week', 'summarise the open tickets', 'what changed in the last release'];

export async function users({ appUrl, signal }) {
  const get = (p) => fetch(appUrl + p).then((r) => r.arrayBuffer()).catch(() => undefined);
  const user = async () => {
    while (!signal.aborted) {
      const r = Math.random();
      // most questions go to gpt-4o or gpt-4o-mini; some hit a rate limit or a provider 5xx
      const model = r < 0.1 ? 'gpt-4o-rate-limit' : r < 0.18 ? 'gpt-4o-server-error' : r < 0.6 ? 'gpt-4o' : 'gpt-4o-mini';
      await get(`/query?q=${encodeURIComponent(QUESTIONS[Math.floor(Math.random() * QUESTIONS.length)])}&model=${model}`);
      if (Math.random() < 0.1) await get('/stats');
      if (Math.random() < 0.05) await get('/estimate?model=gpt-4o&requestsPerDay=1000&inputTokens=500&outputTokens=200');
      await sleep(200 + Math.random() * 300, signal);
    }
  };
  await Promise.all([user(), user()]);
}
