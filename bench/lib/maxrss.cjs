// Loaded first by every case of bench/startup.mjs: prints the process's peak RSS at exit.
'use strict';
process.on('exit', () => process.stderr.write(`BENCH_MAXRSS_KB=${process.resourceUsage().maxRSS}\n`));
