// A raw stdio client: every byte warden-server --stdio writes on stdout must be a JSON-RPC
// message, one per line, whatever it is sent (valid, malformed, oversized, batches, noise on
// the logging side), and the process must exit within 1 s of stdin closing.
// (The SDK and Inspector both skip lines they cannot parse, so they cannot test this.)
// Usage: node stdout-purity.mjs --server BIN --config warden.json
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { Checks, assert, assertEqual, options, readConfig, runMain, track, waitForExit } from './lib.mjs';

const ENVELOPE_KEYS = new Set(['jsonrpc', 'id', 'method', 'params', 'result', 'error']);

// Returns a reason if `line` is not exactly one valid JSON-RPC 2.0 message, else null.
function invalidReason(line) {
    let m;
    try {
        m = JSON.parse(line);
    } catch (e) {
        return `not JSON (${e.message})`;
    }
    if (m === null || typeof m !== 'object' || Array.isArray(m))
        return 'not a JSON object';
    if (m.jsonrpc !== '2.0')
        return '"jsonrpc" is not "2.0"';
    for (const k of Object.keys(m))
        if (!ENVELOPE_KEYS.has(k))
            return `unknown member ${k}`;
    const idOk = (id) => typeof id === 'string' || Number.isInteger(id);
    if ('method' in m) {
        if (typeof m.method !== 'string' || !m.method)
            return 'bad method';
        if ('id' in m && !idOk(m.id))
            return 'bad request id';
        if ('params' in m && (m.params === null || typeof m.params !== 'object'))
            return 'bad params';
        if ('result' in m || 'error' in m)
            return 'request with result/error';
        return null;
    }
    if (!('id' in m) || !(m.id === null || idOk(m.id)))
        return 'response without a valid id';
    if (('result' in m) === ('error' in m))
        return 'response needs exactly one of result and error';
    if ('error' in m && !(m.error && Number.isInteger(m.error.code) && typeof m.error.message === 'string'))
        return 'bad error object';
    if ('result' in m && (m.result === null || typeof m.result !== 'object'))
        return 'result is not an object';
    if (m.id === null && 'result' in m)
        return 'result with a null id';
    return null;
}

const req = (id, method, params) => JSON.stringify(params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params });

runMain(async () => {
    const opt = options();
    const checks = new Checks('stdout-purity');

    // A chatty copy of the configuration (debug logs), beside the original so that its
    // relative paths still resolve; Qt is asked to be chatty too. All of it belongs on stderr.
    const base = readConfig(opt.config);
    const chattyConfig = path.join(path.dirname(opt.config), `warden-stdout-purity-${process.pid}.json`);
    fs.writeFileSync(chattyConfig, JSON.stringify({ ...base, log_level: 'debug' }));

    const child = track(spawn(opt.server, ['--stdio', '--config', chattyConfig], {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...process.env, QT_LOGGING_RULES: '*.debug=true', QT_DEBUG_PLUGINS: '1' },
    }));
    child.stdin.on('error', () => {}); // EPIPE if the server died: reported by the checks
    let stdout = '';
    let stderr = '';
    const lines = [];
    const waiters = [];
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
        stdout += d;
        let nl;
        while ((nl = stdout.indexOf('\n')) >= 0) {
            lines.push(stdout.slice(0, nl));
            stdout = stdout.slice(nl + 1);
        }
        for (const w of [...waiters])
            w();
    });
    child.stderr.on('data', (d) => (stderr += d));

    const parsed = () => lines.map((l) => { try { return JSON.parse(l); } catch { return null; } });
    const responseTo = (id) => parsed().find((m) => m && 'id' in m && m.id === id && !('method' in m));
    const waitFor = (pred, what, ms = 15000) => new Promise((resolve, reject) => {
        const done = () => {
            if (pred()) {
                clearTimeout(timer);
                waiters.splice(waiters.indexOf(done), 1);
                resolve();
            }
        };
        const timer = setTimeout(() => {
            waiters.splice(waiters.indexOf(done), 1);
            reject(new Error(`timed out waiting for ${what}`));
        }, ms);
        waiters.push(done);
        done();
    });
    const send = (text) => child.stdin.write(text + '\n');

    try {
        await checks.check('handshake and valid calls are answered', async () => {
            send(req(1, 'initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'purity', version: '1' } }));
            await waitFor(() => responseTo(1), 'the initialize response');
            send(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }));
            send(req(2, 'tools/list'));
            send(req(3, 'tools/call', { name: 'db_describe_schema', arguments: {} }));
            send(req(4, 'tools/call', { name: 'db_query', arguments: { table: 'orders', where: { field: 'status', op: 'eq', value: 'paid' }, take: 2 } }));
            await waitFor(() => [2, 3, 4].every((id) => responseTo(id)), 'responses 2, 3 and 4');
            assert(responseTo(2).result?.tools?.length > 0, 'tools/list returned no tools');
            assert(responseTo(3).result && responseTo(3).result.isError !== true, 'db_describe_schema failed');
            assert(responseTo(4).result?.structuredContent?.rows?.length > 0, 'db_query returned no rows');
        });

        await checks.check('malformed, invalid, batched, oversized and unknown input gets JSON-RPC errors', async () => {
            const before = parsed().filter((m) => m && m.id === null).length;
            send('{not json');                                            // -32700
            send('{"jsonrpc":"2.0","id":7,"id":8,"method":"ping"}');       // duplicate key: -32700
            send(JSON.stringify([{ jsonrpc: '2.0', id: 6, method: 'ping' }])); // batch: -32600
            send(JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'ping', params: [] })); // -32600, id 5
            send('x'.repeat(5 * 1024 * 1024));                            // over max_line_bytes (4 MiB)
            send('');                                                      // blank: ignored
            send(req(9, 'no/such/method'));                                // -32601
            send(req(11, 'tools/call', { name: 'no_such_tool', arguments: {} }));
            send(req(10, 'ping'));
            await waitFor(() => [5, 9, 10, 11].every((id) => responseTo(id)), 'responses 5, 9, 10 and 11', 30000);
            assertEqual(responseTo(5).error?.code, -32600, 'error code for params: []');
            assertEqual(responseTo(9).error?.code, -32601, 'error code for an unknown method');
            assert(responseTo(11).error || responseTo(11).result?.isError === true, 'an unknown tool was not refused');
            assertEqual(JSON.stringify(responseTo(10).result), '{}', 'ping result');
            const nullIdErrors = parsed().filter((m) => m && m.id === null && m.error).length - before;
            assert(nullIdErrors >= 4, `expected 4 errors with id null (parse, duplicate key, batch, oversized), got ${nullIdErrors}`);
            assert(parsed().some((m) => m && m.id === null && m.error?.code === -32700), 'no -32700 parse error');
        }, { timeoutMs: 40000 });

        await checks.check('every stdout line is exactly one JSON-RPC message', async () => {
            assert(lines.length >= 12, `only ${lines.length} lines on stdout`);
            for (const [i, line] of lines.entries()) {
                const why = invalidReason(line);
                assert(why === null, `stdout line ${i + 1} ${why}: ${line.slice(0, 200)}`);
            }
            // Logs (debug level here) may appear, but only on stderr.
            console.log(`      ${lines.length} stdout lines, all JSON-RPC; ${stderr.length} bytes of logs on stderr`);
        });

        await checks.check('exits within 1 s after stdin closes, with nothing half-written', async () => {
            const t0 = Date.now();
            child.stdin.end();
            const exit = await waitForExit(child, 1000);
            const elapsed = Date.now() - t0;
            assert(exit !== null, 'still running 1 s after stdin closed');
            assertEqual(exit.code, 0, `exit code (after ${elapsed} ms)`);
            assertEqual(stdout, '', 'bytes after the last newline on stdout');
        });
    } finally {
        if (child.exitCode === null && child.signalCode === null)
            child.kill('SIGKILL');
        fs.rmSync(chattyConfig, { force: true });
    }
    const code = checks.finish();
    if (code !== 0)
        console.log(`server stderr (last 2000 chars):\n${stderr.slice(-2000)}`);
    return code;
});
