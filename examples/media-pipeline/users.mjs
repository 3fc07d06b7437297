// How `npm run example -- media-pipeline` runs this example, and its simulated users.
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;

export const example = {
  services: ['postgres'],
  port: 8080,
  // no metrics code for HTTP / LLM / cost: the app runs under the agentmeter CLI
  args: (env) => [join(root, 'packages/sdk/bin/agentmeter.js'), 'run', '--port', env.AGENTMETER_METRICS_PORT, '--', process.execPath, 'server.mjs'],
  env: { AGENTMETER_PRICES_FILE: 'prices.json', OTEL_SERVICE_NAME: 'media-pipeline' },
};

const sleep = (ms, signal) => new Promise((r) => (signal.aborted ? r() : (setTimeout(r, ms), signal.addEventListener('abort', r, { once: true }))));

export async function users({ appUrl, signal }) {
  const get = (p) => fetch(appUrl + p).then((r) => r.arrayBuffer()).catch(() => undefined);
  const loop = async (fn, ms) => {
    while (!signal.aborted) {
      await fn();
      await sleep(ms, signal);
    }
  };
  await Promise.all([
    // images and captions from openai; images from falai, whose API is down (its breaker opens)
    loop(() => get('/generate?provider=openai&type=image'), 300),
    loop(() => get('/generate?provider=openai&type=text'), 400),
    loop(() => get('/generate?provider=falai&type=image'), 600),
    loop(() => get('/api/health'), 2000),
  ]);
}
