// Load generator of bench/http.mjs, in its own process (pinned apart from the server by the
// parent when it can). One-shot: argv[2] is a JSON {url, connections, duration,
// overallRate?}; prints one JSON line {requests, non2xx, errors, p99}. Without argv[2], over
// IPC: each message is such a JSON object, answered with such a result, or an array of them,
// run at the same time and answered with an array (one process for a whole run, so slices
// of load start at once).
import autocannon from 'autocannon';

const run = async (opts) => {
  const r = await autocannon(opts);
  return { requests: r.requests.total, non2xx: r.non2xx, errors: r.errors, p99: r.latency.p99 };
};
if (process.argv[2]) process.stdout.write(JSON.stringify(await run(JSON.parse(process.argv[2]))) + '\n');
else {
  process.on('message', (opts) => {
    if (opts === 'exit') process.exit(0);
    // an array: every target at once, answered with an array of results
    (Array.isArray(opts) ? Promise.all(opts.map(run)) : run(opts)).then((r) => process.send(r));
  });
  process.send('ready');
}
