// Load generator of bench/http.mjs, in its own process (pinned apart from the server by the
// parent when it can): argv[2] is a JSON {url, connections, duration, overallRate?}; prints
// one JSON line {requests, non2xx, errors, p99}.
import autocannon from 'autocannon';

const opts = JSON.parse(process.argv[2]);
const r = await autocannon(opts);
process.stdout.write(JSON.stringify({ requests: r.requests.total, non2xx: r.non2xx, errors: r.errors, p99: r.latency.p99 }) + '\n');
