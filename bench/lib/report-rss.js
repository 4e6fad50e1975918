// bench/lib/report-rss.js: preloaded into a kubeplay run with `node -r` by a bench script. When
// KUBEPLAY_BENCH_RSS names a file, the process writes its own peak RSS there as it exits
// (process.resourceUsage().maxRSS, in KiB), so no /usr/bin/time is needed.
'use strict';

const fs = require('node:fs');

const file = process.env.KUBEPLAY_BENCH_RSS;
if (file) {
  delete process.env.KUBEPLAY_BENCH_RSS;
  process.on('exit', (code) => {
    fs.writeFileSync(file, JSON.stringify({ exitCode: code, maxRssKiB: process.resourceUsage().maxRSS }));
  });
}
