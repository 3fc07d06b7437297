// `npm run example -- coding-agent`: runs by its one command, a real Prometheus answers every line
// of examples/coding-agent/seed-queries.promql after 30 s of scraping, SIGTERM leaves nothing behind;
// with --prometheus it also starts its own Prometheus with agentmeter's rules loaded.
import { test } from 'node:test';
import { runExampleByOneCommand } from './one-command.mjs';

test('coding-agent runs by one command (with --prometheus) and answers every seed query in a real Prometheus', { timeout: 200_000 }, async (t) => {
  await runExampleByOneCommand(t, 'coding-agent', { withPrometheus: true });
});
