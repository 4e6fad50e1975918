#!/usr/bin/env node
'use strict';
// kubeplay entry point: runs the compiled CLI (npm run build writes dist/).
require('../dist/cli/main.js').main(process.argv.slice(2));
