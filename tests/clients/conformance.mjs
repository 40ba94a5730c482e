// The official MCP conformance suite (@modelcontextprotocol/conformance, `server --suite all`)
// against `warden-server --http 127.0.0.1:PORT --conformance-fixtures`, run with Node 22.
// Prints one row per scenario and fails on any FAILURE; with --strict also on any WARNING or
// fewer SUCCESS checks than --expect (default 47, the full score of suite 0.1.16).
// Usage: node conformance.mjs --server BIN --config warden.json --workdir DIR [--strict] [--expect N]
import fs from 'node:fs';
import path from 'node:path';

import { anonymousDev, childEnv, clientsDir, nodeBinDir, options, run, runMain, startHttpServer } from './lib.mjs';

const STATUSES = ['SUCCESS', 'WARNING', 'FAILURE', 'INFO'];

function readResults(dir) {
    const rows = [];
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name, 'checks.json');
        if (!entry.isDirectory() || !fs.existsSync(file))
            continue;
        // Directory names are "server-<scenario>-<ISO timestamp>".
        const scenario = entry.name.replace(/^server-/, '').replace(/-\d{4}-\d{2}-\d{2}T.*$/, '');
        const checks = JSON.parse(fs.readFileSync(file, 'utf8'));
        const counts = Object.fromEntries(STATUSES.map((s) => [s, 0]));
        for (const c of checks)
            counts[c.status] = (counts[c.status] ?? 0) + 1;
        const problems = checks.filter((c) => c.status === 'FAILURE' || c.status === 'WARNING')
            .map((c) => `${c.status} ${c.id}: ${c.errorMessage || c.description || ''}`.trim());
        rows.push({ scenario, counts, problems });
    }
    return rows.sort((a, b) => a.scenario.localeCompare(b.scenario));
}

runMain(async () => {
    const opt = options(['server', 'config', 'workdir']);
    const expect = Number(opt.expect ?? 47);
    const node = path.join(nodeBinDir, 'node');
    const suite = path.join(clientsDir, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');
    for (const f of [node, suite])
        if (!fs.existsSync(f))
            throw new Error(`${f} is missing: run npm ci in ${clientsDir}`);

    const outDir = path.join(opt.workdir, 'conformance-results');
    fs.rmSync(outDir, { recursive: true, force: true });
    fs.mkdirSync(outDir, { recursive: true });

    const server = await startHttpServer(opt.server, opt.config, ['--conformance-fixtures', ...anonymousDev]);
    let result;
    const started = Date.now();
    try {
        console.log(`warden-server: ${server.url}`);
        result = await run(node, [suite, 'server', '--url', server.url, '--suite', 'all', '-o', outDir],
            { env: childEnv(), timeoutMs: 15 * 60 * 1000 });
    } finally {
        await server.stop();
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    fs.writeFileSync(path.join(outDir, 'runner-output.txt'), result.stdout + '\n--- stderr ---\n' + result.stderr);

    const rows = readResults(outDir);
    const total = Object.fromEntries(STATUSES.map((s) => [s, 0]));
    const width = Math.max(10, ...rows.map((r) => r.scenario.length));
    console.log(`\n${'scenario'.padEnd(width)}  ${STATUSES.map((s) => s.padStart(7)).join(' ')}`);
    for (const r of rows) {
        console.log(`${r.scenario.padEnd(width)}  ${STATUSES.map((s) => String(r.counts[s]).padStart(7)).join(' ')}`);
        for (const p of r.problems)
            console.log(`${' '.repeat(width + 2)}${p}`);
        for (const s of STATUSES)
            total[s] += r.counts[s];
    }
    console.log(`${'TOTAL'.padEnd(width)}  ${STATUSES.map((s) => String(total[s]).padStart(7)).join(' ')}`);
    console.log(`\nconformance: ${rows.length} scenarios, ${total.SUCCESS} SUCCESS, ${total.WARNING} WARNING, `
        + `${total.FAILURE} FAILURE, ${total.INFO} INFO in ${seconds} s (runner exit ${result.code}; details in ${outDir})`);

    let failed = false;
    if (rows.length === 0) {
        console.log('FAIL: the suite produced no results; runner output:\n' + (result.stdout + result.stderr).slice(-3000));
        failed = true;
    }
    if (total.FAILURE > 0 || result.code !== 0) {
        console.log('FAIL: conformance failures');
        failed = true;
    }
    if (opt.strict && (total.WARNING > 0 || total.SUCCESS < expect)) {
        console.log(`FAIL: --strict wants ${expect} SUCCESS and 0 WARNING`);
        failed = true;
    }
    if (failed)
        console.log(`server stderr (last 3000 chars):\n${server.stderr().slice(-3000)}`);
    return failed ? 1 : 0;
});
