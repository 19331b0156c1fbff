// The benchmark report of deploy/local/bench.sh: reads the suites' logs in BENCH_LOGDIR (runs.tsv,
// SUITE.log), writes BENCH_OUT/benchmarks.md, benchmarks.json and benchmarks/*.svg. Environment:
// BENCH_ROOT (the checkout), BENCH_LOGDIR, BENCH_OUT, BENCH_NOTE, BENCH_SUITES (space-separated).
'use strict';
const fs = require('fs');
const path = require('path');
const { execSync } = require('child_process');

const root = process.env.BENCH_ROOT;
const logdir = process.env.BENCH_LOGDIR;
const out = process.env.BENCH_OUT;
const suites = process.env.BENCH_SUITES.split(' ').filter(Boolean);
const note = process.env.BENCH_NOTE || '';

const SERVICE = { records: 'records-service', consent: 'consent-service', 'chain-anchor': 'chain-anchor-service',
  appointment: 'appointment-service', notification: 'notification-service', system: 'system' };

// The figures the issues ask for, with their targets: a missing one shows as "not measured".
const REQUIRED = [
  ['records-service', 'records.upload.256mib', 'upload >= 0.8 of raw MinIO put, 256 MiB'],
  ['records-service', 'records.download.256mib', 'download >= 0.8 of raw MinIO get, 256 MiB'],
  ['records-service', 'records.roundtrip.1gib', '1 GiB upload + download with a 128 MiB heap succeeds'],
  ['records-service', 'records.small.gateway', '>= 800 small (10 KiB) uploads/s through the gateway at concurrency 16'],
  ['consent-service', 'consent.check.p99', 'check p99 < 5 ms at 1,000 req/s'],
  ['consent-service', 'consent.mirror.lag', 'mirror lag < 1 s'],
  ['chain-anchor-service', 'anchor.gas.per-record', 'gas per record >= 5,000x less than naive per-record writes'],
  ['chain-anchor-service', 'anchor.throughput', '>= 10,000 records/s anchoring throughput'],
  ['chain-anchor-service', 'anchor.latency.p95', 'RecordStored -> BatchAnchored p95 < 4 s with 1-second blocks'],
  ['chain-anchor-service', 'anchor.merkle.buildTree', 'JMH Merkle figures for 100,000 leaves'],
  ['appointment-service', 'appointment.booking.throughput', '1,000 bookings vs 1,000 slots, 32 clients: throughput'],
  ['appointment-service', 'appointment.booking.p99', '1,000 bookings vs 1,000 slots, 32 clients: p99'],
  ['appointment-service', 'appointment.booking.double-booked', 'zero double bookings'],
  ['notification-service', 'notification.mail.p95', 'AppointmentBooked -> both mails p95 < 2 s'],
  ['system', 'system.ingest.gateway', 'ingest rate through the gateway (uploads/s end to end)'],
];

// ---------------------------------------------------------------------------------------------
// Reading the logs
// ---------------------------------------------------------------------------------------------
const num = (s) => Number(String(s).replace(/,/g, ''));

function structured(text) {
  const figures = [];
  for (const line of text.split('\n')) {
    const at = line.indexOf('BENCH-FIGURE {');
    if (at < 0) continue;
    try {
      figures.push(JSON.parse(line.slice(at + 'BENCH-FIGURE '.length)));
    } catch (e) {
      process.stderr.write(`bench: unreadable BENCH-FIGURE line: ${line}\n`);
    }
  }
  return figures;
}

function figure(service, id, title, value, unit, extra) {
  return Object.assign({ service, id, title, value, unit, source: 'parsed from the human BENCH lines' }, extra);
}

function target(text, met, limit, op) {
  const t = { text, met };
  if (limit !== undefined) Object.assign(t, { limit, op });
  return t;
}

// records-service's RecordsBench lines, as printed before it has BENCH-FIGURE lines.
function legacyRecords(text) {
  const f = [];
  const S = 'records-service';
  const rate = (re) => { const m = text.match(re); return m ? num(m[1]) : undefined; };
  const rawPut = rate(/^raw S3 put 256 MiB\s+([\d.,]+) MiB\/s/m);
  const rawGet = rate(/^raw S3 get 256 MiB\s+([\d.,]+) MiB\/s/m);
  const up = rate(/^upload 256 MiB via service\s+([\d.,]+) MiB\/s/m);
  const down = rate(/^download 256 MiB decrypted\s+([\d.,]+) MiB\/s/m);
  if (up !== undefined && rawPut) {
    f.push(figure(S, 'records.upload.256mib', 'Upload 256 MiB through the service (-Xmx128m)', up, 'MiB/s', {
      baseline: { value: rawPut, unit: 'MiB/s', what: 'MinIO-client put of the same bytes, same run' },
      ratio: up / rawPut, ratioWhat: 'value / baseline',
      target: target('upload >= 0.8 of raw MinIO put, 256 MiB', up / rawPut >= 0.8, 0.8, 'ratio>=') }));
  }
  if (down !== undefined && rawGet) {
    f.push(figure(S, 'records.download.256mib', 'Download 256 MiB, decrypted (-Xmx128m)', down, 'MiB/s', {
      baseline: { value: rawGet, unit: 'MiB/s', what: 'MinIO-client get of the same object, same run' },
      ratio: down / rawGet, ratioWhat: 'value / baseline',
      target: target('download >= 0.8 of raw MinIO get, 256 MiB', down / rawGet >= 0.8, 0.8, 'ratio>=') }));
  }
  const gib = rate(/^1 GiB upload \+ download\s+([\d.,]+) s/m);
  if (gib !== undefined) {
    f.push(figure(S, 'records.roundtrip.1gib', '1 GiB upload + download, service heap -Xmx128m', gib, 's', {
      target: target('1 GiB upload + download with a 128 MiB heap succeeds', true),
      notes: 'completed (the benchmark asserts every byte came back)' }));
  }
  const floor = rate(/^raw S3 put of 10 KiB objects, 16 clients\s+([\d.,]+) \/s/m);
  const small = [...text.matchAll(/^(10 KiB uploads, 16 clients[^\n]*?)\s+([\d.,]+) \/s\s+p50 ([\d.,]+) ms\s+p99 ([\d.,]+) ms\s+failures (\d+)/gm)];
  for (const m of small) {
    const label = m[1].trim();
    const via = /gateway/.test(label) ? 'gateway' : /:8082|stack service/.test(label) ? 'direct' : 'bench';
    const value = num(m[2]);
    const fig = figure(S, `records.small.${via}`, label, value, 'uploads/s', {
      notes: `p50 ${m[3]} ms, p99 ${m[4]} ms, failures ${m[5]}` });
    if (floor !== undefined) {
      Object.assign(fig, { baseline: { value: floor, unit: 'puts/s', what: 'MinIO-client puts of 10 KiB, 16 clients, same run' },
        ratio: value / floor, ratioWhat: 'value / baseline' });
    }
    if (via === 'gateway') {
      fig.target = target('>= 800 small (10 KiB) uploads/s through the gateway at concurrency 16', value >= 800, 800, '>=');
    }
    f.push(fig);
  }
  return f;
}

// chain-anchor-service's bench lines and JMH table, as printed before it has BENCH-FIGURE lines.
function legacyAnchor(text) {
  const f = [];
  const S = 'chain-anchor-service';
  const batch = text.match(/BENCH gas: one anchor of a ([\d,]+)-leaf batch = ([\d,]+) gas = ([\d.,]+) gas per record/);
  const naive = text.match(/BENCH gas: naive storeHash per record = ([\d.,]+) gas \(mean of ([\d,]+) real writes\)/);
  if (batch) {
    const perRecord = num(batch[3]);
    const fig = figure(S, 'anchor.gas.per-record', 'Gas per record, one anchor of a ' + batch[1] + '-leaf batch',
      perRecord, 'gas/record', { notes: `${batch[2]} gas for the whole batch` });
    if (naive) {
      const n = num(naive[1]);
      Object.assign(fig, { baseline: { value: n, unit: 'gas/record', what: `naive NaiveHashStore.storeHash, one write per record (mean of ${naive[2]} real writes), same chain, same run` },
        ratio: n / perRecord, ratioWhat: 'baseline / value: times less gas',
        target: target('gas per record >= 5,000x less than naive per-record writes', n / perRecord >= 5000, 5000, 'ratio>=') });
    }
    f.push(fig);
  }
  const e2e = text.match(/announced after ([\d.,]+) s\s*=> ([\d.,]+) records\/s/);
  if (e2e) {
    const value = num(e2e[2]);
    f.push(figure(S, 'anchor.throughput', 'Anchoring throughput, RecordStored -> BatchAnchored (automine, 2 confirmations)',
      value, 'records/s', { notes: `all final on chain and announced after ${e2e[1]} s`,
        target: target('>= 10,000 records/s anchoring throughput', value >= 10000, 10000, '>=') }));
  }
  const ingest = text.match(/ingest: all ([\d,]+) leaves stored ([\d.,]+) s after the first was published => ([\d.,]+) records\/s(?:; steady rate between 10 % and 90 %: ([\d.,]+) records\/s)?/);
  if (ingest) {
    f.push(figure(S, 'anchor.ingest', 'Leaf ingest from Kafka (RecordStored -> stored leaf)', num(ingest[3]), 'records/s',
      { notes: `${ingest[1]} leaves in ${ingest[2]} s` + (ingest[4] ? `; steady rate ${ingest[4]} records/s` : '') }));
  }
  const lat = text.match(/BENCH latency RecordStored -> BatchAnchored \(([^)]*)\): p50 ([\d,]+) ms, p95 ([\d,]+) ms, max ([\d,]+) ms/);
  if (lat) {
    const p95 = num(lat[3]);
    f.push(figure(S, 'anchor.latency.p95', 'RecordStored -> BatchAnchored latency p95', p95, 'ms', {
      notes: `${lat[1]}; p50 ${lat[2]} ms, max ${lat[4]} ms`,
      target: target('RecordStored -> BatchAnchored p95 < 4 s with 1-second blocks', p95 < 4000, 4000, '<') }));
  }
  for (const m of text.matchAll(/^\S*MerkleTreeJmh\.(\w+)\s+avgt\s+(\d+)\s+([\d.,]+)(?:\s+±\s+([\d.,]+))?\s+(\S+)\/op\s*$/gm)) {
    const fig = figure(S, `anchor.merkle.${m[1]}`, `JMH, 100,000 leaves: ${m[1]}`, num(m[3]), m[5], {
      notes: `JMH average time over ${m[2]} iterations` + (m[4] ? `, error ± ${m[4]} ${m[5]}` : '') });
    if (m[1] === 'buildTree') fig.target = target('JMH Merkle figures for 100,000 leaves', true);
    f.push(fig);
  }
  return f;
}

function sh(cmd) {
  try { return execSync(cmd, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch (e) { return ''; }
}
const read = (file) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '');

const runs = read(path.join(logdir, 'runs.tsv')).split('\n').filter(Boolean).map((l) => {
  const [suite, rc, started, seconds, loadBefore, loadAfter, command, commit] = l.split('\t');
  return { suite, service: SERVICE[suite], exitCode: Number(rc), started, seconds: Number(seconds), loadBefore, loadAfter,
    command: command.trim(), commit: commit || '?', log: path.relative(root, path.join(logdir, suite + '.log')) };
}).filter((r) => suites.includes(r.suite))
  .sort((a, b) => Object.keys(SERVICE).indexOf(a.suite) - Object.keys(SERVICE).indexOf(b.suite));

let figures = [];
for (const run of runs) {
  const text = read(path.join(logdir, run.suite + '.log'));
  let found = structured(text);
  run.structuredFigures = found.length;
  if (run.suite === 'records' && !found.some((f) => f.service === 'records-service')) found = found.concat(legacyRecords(text));
  if (run.suite === 'chain-anchor' && !found.some((f) => f.service === 'chain-anchor-service')) found = found.concat(legacyAnchor(text));
  for (const f of found) {
    f.service = f.service || run.service;
    if (!f.load) f.load = `${run.loadBefore} (run start) -> ${run.loadAfter} (run end)`;
  }
  run.figures = found.length;
  figures = figures.concat(found);
}

const meminfo = read('/proc/meminfo');
const memKiB = Number((meminfo.match(/MemTotal:\s+(\d+)/) || [])[1] || 0);
let dirty = [];
try {
  dirty = execSync('git status --porcelain --untracked-files=no', { cwd: root, encoding: 'utf8' })
    .split('\n').filter(Boolean).map((l) => l.slice(3));
} catch (e) { /* not a git checkout */ }
const report = {
  generated: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  started: read(path.join(logdir, 'started')),
  note,
  commit: { sha: sh('git rev-parse HEAD'), subject: sh('git log -1 --format=%s'), uncommittedFiles: dirty },
  machine: {
    cores: Number(sh('nproc')),
    cpu: ((read('/proc/cpuinfo').match(/model name\s*:\s*(.*)/) || [])[1] || '').trim(),
    memoryGiB: Math.round(memKiB / 1024 / 1024 * 10) / 10,
    os: ((read('/etc/os-release').match(/PRETTY_NAME="?([^"\n]*)/) || [])[1] || ''),
    kernel: sh('uname -r'),
    java: sh('java -version 2>&1 | head -n 1'),
    maven: sh('mvn -v 2>/dev/null | head -n 1').replace(/\x1b\[[0-9;]*m/g, ''),
    loadBefore: read(path.join(logdir, 'load-before')),
    loadAfter: read(path.join(logdir, 'load-after')),
  },
  runs,
  figures,
};
report.targets = REQUIRED.map(([service, id, text]) => {
  const f = figures.find((x) => x.id === id);
  const ran = runs.find((r) => r.service === service);
  let status;
  if (!ran) status = 'not run';
  else if (!f) status = 'not measured';
  else if (!f.target) status = 'reported';
  else status = f.target.met ? 'met' : 'NOT met';
  return { service, id, target: f && f.target ? f.target.text : text, status, value: f ? f.value : null, unit: f ? f.unit : null };
});

// ---------------------------------------------------------------------------------------------
// Charts: per service, each figure with a baseline as a pair of bars (value, baseline)
// ---------------------------------------------------------------------------------------------
function fmt(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  const a = Math.abs(v);
  const digits = a >= 1000 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : a >= 0.01 ? 3 : 5;
  return Number(v).toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: digits });
}
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

// A figure's value, baseline and target limit (in the value's unit, or null).
function limitAndValues(f) {
  const v = f.value, b = f.baseline.value;
  let limit = null;
  if (f.target && typeof f.target.limit === 'number') {
    if (f.target.op === '<' || f.target.op === '>=') limit = f.target.limit;
    else if (f.target.op === 'ratio>=' && /baseline \/ value/.test(f.ratioWhat || '')) limit = b / f.target.limit;
    else if (f.target.op === 'ratio>=') limit = b * f.target.limit;
  }
  return [v, b, limit];
}

function chart(service, rows) {
  // Rows of one family (same id prefix, same unit: e.g. every service's start-up) share one scale
  // and stand together, so that they compare at a glance; any other row has its own scale.
  const family = (f) => f.id.replace(/\.[^.]*$/, '') + ' ' + f.unit;
  const families = [...new Set(rows.map(family))];
  rows = families.flatMap((k) => rows.filter((f) => family(f) === k));
  const span = {};
  for (const f of rows) {
    const k = family(f);
    span[k] = span[k] || [];
    span[k].push(...limitAndValues(f).filter((x) => typeof x === 'number' && x > 0));
  }
  const W = 820, left = 10, barX = 10, barW = 520, rowH = 64, top = 34;
  const H = top + rows.length * rowH + 24;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${left}" y="20" font-size="15" font-weight="bold">${esc(service)}: each figure beside its baseline from the same run</text>`];
  rows.forEach((f, i) => {
    const y = top + i * rowH;
    const [v, b, limit] = limitAndValues(f);
    const vals = span[family(f)];
    const max = Math.max(...vals, 1e-9), min = Math.min(...vals, max);
    const log = min > 0 && max / min > 100;
    const scale = (x) => {
      if (!(x > 0)) return 0;
      if (!log) return barW * x / (max * 1.02);
      const lo = Math.log10(min) - 1, hi = Math.log10(max) + 0.05;
      return barW * (Math.log10(x) - lo) / (hi - lo);
    };
    const colour = !f.target ? '#4a7bd0' : f.target.met ? '#2e9d4f' : '#d0453a';
    const notes = [f.target ? `target ${f.target.met ? 'met' : 'not met'}` : '', log ? 'log scale' : ''].filter(Boolean).join(', ');
    parts.push(`<text x="${left}" y="${y + 13}"><tspan font-weight="bold">${esc(f.title)}</tspan><tspan fill="#555" dx="6">${notes ? '(' + esc(notes) + ')' : ''}</tspan></text>`);
    parts.push(`<rect x="${barX}" y="${y + 20}" width="${scale(v).toFixed(1)}" height="14" fill="${colour}"/>`);
    parts.push(`<text x="${(barX + scale(v) + 6).toFixed(1)}" y="${y + 31}">${esc(fmt(v) + ' ' + f.unit)}</text>`);
    parts.push(`<rect x="${barX}" y="${y + 38}" width="${scale(b).toFixed(1)}" height="14" fill="#a8a8a8"/>`);
    parts.push(`<text x="${(barX + scale(b) + 6).toFixed(1)}" y="${y + 49}" fill="#444">${esc('baseline ' + fmt(b) + ' ' + f.baseline.unit)}</text>`);
    if (limit !== null) {
      const x = barX + scale(limit);
      parts.push(`<line x1="${x.toFixed(1)}" y1="${y + 17}" x2="${x.toFixed(1)}" y2="${y + 55}" stroke="#000" stroke-dasharray="3,2"/>`);
    }
  });
  parts.push(`<text x="${left}" y="${H - 8}" fill="#555">value: green target met, red not met, blue no target; grey: baseline; dashed line: the target</text>`);
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

const order = ['records-service', 'consent-service', 'chain-anchor-service', 'appointment-service', 'notification-service', 'system'];
const services = order.filter((s) => runs.some((r) => r.service === s) || figures.some((f) => f.service === s));
fs.mkdirSync(path.join(out, 'benchmarks'), { recursive: true });
const charts = {};
for (const s of services) {
  const rows = figures.filter((f) => f.service === s && f.baseline && typeof f.value === 'number' && typeof f.baseline.value === 'number');
  const file = path.join(out, 'benchmarks', `${s}.svg`);
  if (rows.length) {
    fs.writeFileSync(file, chart(s, rows));
    charts[s] = `benchmarks/${s}.svg`;
  } else if (fs.existsSync(file)) {
    fs.unlinkSync(file);
  }
}
report.charts = charts;
fs.writeFileSync(path.join(out, 'benchmarks.json'), JSON.stringify(report, null, 2) + '\n');

// ---------------------------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------------------------
const cell = (s) => String(s === undefined || s === null ? '' : s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const md = [];
md.push('# Benchmarks', '');
if (note) md.push(`> **${cell(note)}**`, '');
md.push(`Generated by \`deploy/local/platform bench\` (deploy/local/bench.sh) on ${report.generated}, the last invocation's runs started ${report.started || '?'}; ` +
  `the checkout was at commit \`${report.commit.sha.slice(0, 12)}\` (${cell(report.commit.subject)})` +
  (dirty.length ? `, with uncommitted changes in ${dirty.length} tracked files (${cell([...new Set(dirty.map((p) => p.split('/')[0]))].join(', '))})` : '') + '.', '');
md.push('| machine | |', '| --- | --- |');
const m = report.machine;
md.push(`| cores (nproc) | ${m.cores} |`, `| CPU | ${cell(m.cpu)} |`, `| memory | ${m.memoryGiB} GiB |`, `| OS | ${cell(m.os)}, kernel ${cell(m.kernel)} |`,
  `| Java | ${cell(m.java)} |`, `| Maven | ${cell(m.maven)} |`, `| load average (1/5/15 min) before / after the last bench invocation (per suite: see Runs) | ${cell(m.loadBefore)} / ${cell(m.loadAfter)} |`, '');
md.push('Every figure below was measured against the local stack (`deploy/local/platform`), the baseline in the same run; ' +
  'the load average beside a figure is the one when it was printed (or, for parsed figures, at the start and end of its suite).', '');

const count = (st) => report.targets.filter((t) => t.status === st).length;
md.push('## Targets', '');
md.push(`${count('met')} met, ${count('NOT met')} not met, ${count('not measured')} not measured (the suite ran but printed no such figure), ` +
  `${count('not run')} not run, ${count('reported')} reported without a threshold.`, '');
md.push('| service | target | figure | value | status |', '| --- | --- | --- | --- | --- |');
for (const t of report.targets) {
  md.push(`| ${t.service} | ${cell(t.target)} | \`${t.id}\` | ${t.value === null ? '—' : cell(fmt(t.value) + ' ' + t.unit)} | ${t.status === 'met' ? 'met' : t.status === 'NOT met' ? '**not met**' : t.status} |`);
}
md.push('');
md.push('## Runs', '');
md.push('| suite | started | commit | command | exit | duration | load before → after | figures | log |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of runs) {
  md.push(`| ${r.suite} | ${r.started} | \`${cell(r.commit)}\` | \`${cell(r.command)}\` | ${r.exitCode === 0 ? '0' : `**${r.exitCode}**`} | ${r.seconds} s | ${cell(r.loadBefore)} → ${cell(r.loadAfter)} | ${r.figures}${r.structuredFigures < r.figures ? ` (${r.figures - r.structuredFigures} parsed from human lines)` : ''} | \`${r.log}\` |`);
}
md.push('');
for (const s of services) {
  md.push(`## ${s}`, '');
  const run = runs.find((r) => r.service === s);
  if (run && run.exitCode !== 0) md.push(`The suite's Maven run failed (exit ${run.exitCode}): figures printed before the failure are kept; see \`${run.log}\`.`, '');
  if (charts[s]) md.push(`![${s}: figures and baselines](${charts[s]})`, '');
  const rows = figures.filter((f) => f.service === s);
  if (!rows.length) { md.push('No figures.', ''); continue; }
  md.push('| figure | value | baseline (same run) | ratio | target | load | notes |', '| --- | --- | --- | --- | --- | --- | --- |');
  for (const f of rows) {
    const base = f.baseline ? `${fmt(f.baseline.value)} ${f.baseline.unit}: ${f.baseline.what}` : '—';
    const ratio = typeof f.ratio === 'number' ? `${fmt(f.ratio)}${f.ratioWhat && f.ratioWhat !== 'value / baseline' ? ` (${f.ratioWhat})` : ''}` : '—';
    const tgt = f.target ? `${f.target.text}: ${f.target.met ? 'met' : '**not met**'}` : '—';
    const notes = [f.notes, f.source].filter(Boolean).join('; ');
    md.push(`| ${cell(f.title)} \`${f.id}\` | ${cell(fmt(f.value) + ' ' + f.unit)} | ${cell(base)} | ${cell(ratio)} | ${cell(tgt)} | ${cell(f.load || '')} | ${cell(notes)} |`);
  }
  md.push('');
}
md.push('## How to run', '');
md.push('```bash', 'deploy/local/platform bench                       # every suite, then this report (restarts each service once)',
  'deploy/local/platform bench consent records       # a subset (the report then covers only those)',
  'deploy/local/platform bench system --no-restart   # start-up read from the running services\' logs',
  'deploy/local/platform bench --report-only         # report the last run of every suite (.local/bench/*.log)',
  'deploy/local/platform bench records -Dbench.smallCount=800   # -D options go to every mvn', '```', '');
md.push('A benchmark reports a figure by printing one line `BENCH-FIGURE {json}` (platform-support\'s test-jar ' +
  '`health.ehr.support.testing.BenchFigure`); `docs/benchmarks.json` holds every figure with the machine, the date and the commit.', '');
// The hand-written section at the end (profiles behind design decisions, linked from Javadoc) is
// not generated: carry it over from the report this one replaces.
const mdFile = path.join(out, 'benchmarks.md');
const KEPT = '## Profiles behind design decisions';
const previous = fs.existsSync(mdFile) ? fs.readFileSync(mdFile, 'utf8') : '';
const kept = previous.indexOf(KEPT);
if (kept >= 0) {
  md.push('', previous.slice(kept).trimEnd(), '');
}
fs.writeFileSync(mdFile, md.join('\n'));
process.stdout.write(`bench: ${figures.length} figures; ${path.join(out, 'benchmarks.md')}, benchmarks.json` +
  `${Object.keys(charts).length ? ', ' + Object.values(charts).join(', ') : ''}\n`);
for (const t of report.targets) process.stdout.write(`  ${t.status.padEnd(12)} ${t.service.padEnd(21)} ${t.target}\n`);
