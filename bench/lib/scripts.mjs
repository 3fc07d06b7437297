// The bench scripts run by bench/run-all.mjs, in order.
export const SCRIPTS_LIST = ['hot-path', 'recorders', 'scrape', 'memory', 'churn', 'http', 'idle', 'ws', 'startup', 'frameworks', 'multiprocess'];
