#!/usr/bin/env node
// Compiles contracts/src/*.sol (the platform's contracts) and contracts/bench/*.sol (gas
// comparison only) offline with solcjs through standard JSON, because the solcjs command line
// has no --evm-version and mangles output names.
//
// Writes target/solidity/<Name>.abi, <Name>.bin (creation bytecode, hex without 0x) and
// target/solidity/combined.json ({contracts: {Name: {abi, bin, source}}, compiler, settings}).
// Exits non-zero on any compiler error.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const solc = require('solc');

const moduleDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(moduleDir, 'target', 'solidity');
const sourceDirs = ['src', 'bench'];

/** Compiler settings; scripts/solc.mjs and foundry.toml use the same EVM version and optimizer. */
export const settings = {
  evmVersion: 'cancun',
  optimizer: { enabled: true, runs: 200 },
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
};

/** Resolves an import such as "@openzeppelin/contracts/..." from node_modules, or a project path. */
export function findImports(importPath) {
  const candidates = [
    path.join(moduleDir, 'node_modules', importPath),
    path.join(moduleDir, importPath),
  ];
  for (const candidate of candidates) {
    if (fs.existsSync(candidate)) {
      return { contents: fs.readFileSync(candidate, 'utf8') };
    }
  }
  return { error: `File not found: ${importPath} (looked in node_modules and ${moduleDir})` };
}

function main() {
  const sources = {};
  for (const dir of sourceDirs) {
    const abs = path.join(moduleDir, dir);
    if (!fs.existsSync(abs)) continue;
    for (const file of fs.readdirSync(abs).filter((f) => f.endsWith('.sol')).sort()) {
      sources[`${dir}/${file}`] = { content: fs.readFileSync(path.join(abs, file), 'utf8') };
    }
  }
  if (Object.keys(sources).length === 0) {
    console.error('compile: no .sol files under ' + sourceDirs.join(', '));
    process.exit(1);
  }

  const input = { language: 'Solidity', sources, settings };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));

  let failed = false;
  for (const diagnostic of output.errors ?? []) {
    const text = diagnostic.formattedMessage ?? diagnostic.message;
    if (diagnostic.severity === 'error') {
      failed = true;
      console.error(text);
    } else {
      console.warn(text);
    }
  }
  if (failed) process.exit(1);

  fs.mkdirSync(outDir, { recursive: true });
  const combined = { compiler: solc.version(), settings, contracts: {} };
  for (const sourceName of Object.keys(sources)) {
    for (const [name, contract] of Object.entries(output.contracts[sourceName] ?? {})) {
      const bin = contract.evm.bytecode.object;
      if (!bin) continue; // interfaces and abstract contracts have no bytecode
      fs.writeFileSync(path.join(outDir, `${name}.abi`), JSON.stringify(contract.abi));
      fs.writeFileSync(path.join(outDir, `${name}.bin`), bin);
      combined.contracts[name] = { source: sourceName, abi: contract.abi, bin };
      console.log(`compile: ${sourceName}:${name} (${bin.length / 2} bytes)`);
    }
  }
  fs.writeFileSync(path.join(outDir, 'combined.json'), JSON.stringify(combined, null, 1));
  console.log(`compile: solc ${solc.version()}, evm ${settings.evmVersion}, wrote ${outDir}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main();
}
