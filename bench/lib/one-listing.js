// bench/lib/one-listing.js SOCKET PATH: a node process that makes one libpod GET and exits. Its
// wall time is the floor under `kubeplay get pods -l` (one container listing) and a no-op
// `kubeplay apply` (one pod listing): node's own start-up plus Podman's answer.
'use strict';

const http = require('node:http');

const [socketPath, path] = process.argv.slice(2);
http
  .get({ socketPath, path: `/v4.0.0/libpod${path}` }, (res) => {
    res.resume();
    res.on('end', () => {
      if (res.statusCode !== 200) process.exitCode = 1;
    });
  })
  .on('error', (e) => {
    process.stderr.write(`${e.message}\n`);
    process.exitCode = 1;
  });
