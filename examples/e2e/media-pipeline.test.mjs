// `npm run example -- media-pipeline`: runs by its one command, a real Prometheus answers every line
// of examples/media-pipeline/seed-queries.promql after 30 s of scraping, SIGTERM leaves nothing behind.
import { test } from 'node:test';
import { runExampleByOneCommand } from './one-command.mjs';

test('media-pipeline runs by one command and answers every seed query in a real Prometheus', { timeout: 200_000 }, async (t) => {
  await runExampleByOneCommand(t, 'media-pipeline');
});
