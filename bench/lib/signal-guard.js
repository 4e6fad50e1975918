// bench/lib/signal-guard.js: preloaded with `node -r` into the `kubeplay serve` that bench/serve.js
// measures. On this machine (pid_max 32768, many short processes) the server was twice stopped
// mid-run by a SIGTERM or SIGINT that the bench did not send: most likely some other run's cleanup
// signalling a pid it had recorded and that the server had since been given. With
// KUBEPLAY_BENCH_STOP_FILE set, a SIGINT or SIGTERM reaches the process's own handlers only once
// that file exists (the bench writes it just before it stops the server); any other is noted on
// stderr (`signal-guard: stray SIGTERM at <time>`), and the bench counts those lines.
'use strict';

const fs = require('node:fs');

const stopFile = process.env.KUBEPLAY_BENCH_STOP_FILE;
if (stopFile) {
  delete process.env.KUBEPLAY_BENCH_STOP_FILE;
  const wrapped = new WeakMap();
  const guard = (signal, listener) => {
    if (!wrapped.has(listener)) {
      wrapped.set(listener, (...args) => {
        if (fs.existsSync(stopFile)) listener(...args);
        else process.stderr.write(`signal-guard: stray ${signal} at ${new Date().toISOString()}\n`);
      });
    }
    return wrapped.get(listener);
  };
  const guarded = (name) => name === 'SIGINT' || name === 'SIGTERM';
  for (const method of ['on', 'once', 'addListener', 'prependListener']) {
    const original = process[method].bind(process);
    process[method] = (name, listener) => original(name, guarded(name) ? guard(name, listener) : listener);
  }
  for (const method of ['off', 'removeListener']) {
    const original = process[method].bind(process);
    process[method] = (name, listener) => original(name, guarded(name) && wrapped.has(listener) ? wrapped.get(listener) : listener);
  }
}
