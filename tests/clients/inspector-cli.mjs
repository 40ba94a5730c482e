// The MCP Inspector CLI (`mcp-inspector --cli`) against warden-server over stdio and HTTP.
// Inspector exits 0 even when a tool answers isError, so every check reads its JSON output.
// Usage: node inspector-cli.mjs --server BIN --config warden.json [--workdir DIR]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { Checks, anonymousDev, assert, assertEqual, childEnv, clientsDir, options, readConfig, run, runMain, startHttpServer } from './lib.mjs';

const inspectorBin = path.join(clientsDir, 'node_modules', '.bin', 'mcp-inspector');

// Runs the Inspector CLI and parses the JSON it prints on stdout.
async function inspector(args) {
    const r = await run('npx', ['--no-install', 'mcp-inspector', '--cli', ...args], { env: childEnv(), timeoutMs: 60000 });
    const text = r.stdout.trim();
    let json;
    try {
        json = JSON.parse(text);
    } catch {
        throw new Error(`Inspector printed no JSON (exit ${r.code}); stdout:\n${text.slice(0, 1500)}\nstderr:\n${r.stderr.slice(-1500)}`);
    }
    return json;
}

function checkToolList(json) {
    assert(Array.isArray(json.tools), 'no tools array');
    const names = json.tools.map((t) => t.name);
    for (const wanted of ['db_describe_schema', 'db_query'])
        assert(names.includes(wanted), `${wanted} missing from ${names.join(', ')}`);
    for (const n of names)
        assert(/^[a-zA-Z0-9_-]{1,64}$/.test(n), `invalid tool name ${n}`);
}

// Inspector cannot pass a "where" filter (it only converts arguments whose schema has a plain
// "type", and a condition is an object or a list), so the row checks read a table small enough
// for the broad-query guard: customers, tenant-scoped with masked personal data.
function checkCustomers(json, tenant) {
    assert(json.isError !== true, `db_query answered isError: ${JSON.stringify(json.content)}`);
    const rows = json.structuredContent?.rows;
    assert(Array.isArray(rows), `no structuredContent.rows: ${JSON.stringify(json).slice(0, 500)}`);
    assert(rows.length > 0 && rows.length <= 3, `expected 1..3 rows, got ${rows.length}`);
    for (const row of rows) {
        assertEqual(String(row.tenant_id), tenant, 'row.tenant_id');
        assert(typeof row.email === 'string' && !/^[a-z]+\.[a-z]+@example\.com$/.test(row.email),
            `email not masked: ${row.email}`);
    }
}

runMain(async () => {
    const opt = options();
    const tenant = String(readConfig(opt.config).local_principal.tenant_id);
    const checks = new Checks('inspector-cli');
    assert(fs.existsSync(inspectorBin), `${inspectorBin} is missing: run npm ci in ${clientsDir}`);

    // An mcpServers file, as desktop clients write them.
    const tmp = fs.mkdtempSync(path.join(opt.workdir || os.tmpdir(), 'inspector-'));
    const mcpConfig = path.join(tmp, 'mcp.json');
    fs.writeFileSync(mcpConfig, JSON.stringify({
        mcpServers: { warden: { command: opt.server, args: ['--stdio', '--config', opt.config] } },
    }));

    try {
        await checks.check('stdio: tools/list (mcpServers config file)', async () => {
            checkToolList(await inspector(['--config', mcpConfig, '--server', 'warden', '--method', 'tools/list']));
        }, { timeoutMs: 70000 });

        await checks.check('stdio: tools/call db_query table=customers take=3', async () => {
            // Everything after "--" is the server command line, then Inspector's own options.
            checkCustomers(await inspector(['--', opt.server, '--stdio', '--config', opt.config,
                '--method', 'tools/call', '--tool-name', 'db_query', '--tool-arg', 'table=customers', 'take=3']), tenant);
        }, { timeoutMs: 70000 });

        await checks.check('stdio: refused calls are isError JSON although Inspector exits 0', async () => {
            // orders is large: reading it without a filter trips the broad-query guard.
            const broad = await inspector(['--config', mcpConfig, '--server', 'warden', '--method', 'tools/call',
                '--tool-name', 'db_query', '--tool-arg', 'table=orders', 'take=3']);
            assertEqual(broad.isError, true, 'isError for unfiltered orders');
            assertEqual(broad.structuredContent?.error?.code, 'QUERY_REJECTED', 'error code for unfiltered orders');
            const unknown = await inspector(['--config', mcpConfig, '--server', 'warden', '--method', 'tools/call',
                '--tool-name', 'db_query', '--tool-arg', 'table=no_such_table']);
            assertEqual(unknown.isError, true, 'isError for an unknown table');
            assert(/^[A-Z_]+$/.test(unknown.structuredContent?.error?.code ?? ''), 'no stable error code for an unknown table');
        }, { timeoutMs: 70000 });

        const server = await startHttpServer(opt.server, opt.config, anonymousDev);
        try {
            await checks.check('http: tools/list', async () => {
                checkToolList(await inspector([server.url, '--transport', 'http', '--method', 'tools/list']));
            }, { timeoutMs: 70000 });
            await checks.check('http: tools/call db_query table=customers take=3', async () => {
                checkCustomers(await inspector([server.url, '--transport', 'http', '--method', 'tools/call',
                    '--tool-name', 'db_query', '--tool-arg', 'table=customers', 'take=3']), tenant);
            }, { timeoutMs: 70000 });
            await checks.check('http: resources/list', async () => {
                const json = await inspector([server.url, '--transport', 'http', '--method', 'resources/list']);
                assert(Array.isArray(json.resources) && json.resources.some((r) => r.uri.startsWith('warden://schema')),
                    `no warden://schema resource: ${JSON.stringify(json).slice(0, 500)}`);
            }, { timeoutMs: 70000 });
        } finally {
            await server.stop();
        }
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
    return checks.finish();
});
