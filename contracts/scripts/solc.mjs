#!/usr/bin/env node
// A stand-in for the native solc binary, for forge (foundry.toml `solc = "scripts/solc.mjs"`):
// forge asks `--version` and then sends standard JSON on stdin (`--standard-json`, with path
// options this script ignores because forge inlines every source). It runs solcjs 0.8.28 from
// node_modules, so forge never downloads a compiler and the tests run offline.
import fs from 'node:fs';
import { findImports } from './compile.mjs';
import { createRequire } from 'node:module';

const solc = createRequire(import.meta.url)('solc');
const args = process.argv.slice(2);

if (args.includes('--version')) {
  // Native format, which forge parses: "Version: 0.8.28+commit.7893614a.<platform>".
  const version = solc.version().replace(/\.Emscripten\.clang$/, '');
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${version}.Linux.g++\n`);
} else if (args.includes('--standard-json')) {
  const input = fs.readFileSync(0, 'utf8');
  process.stdout.write(solc.compile(input, { import: findImports }));
} else {
  process.stderr.write('scripts/solc.mjs supports only --version and --standard-json\n');
  process.exit(2);
}
