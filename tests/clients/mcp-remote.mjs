// mcp-remote (npm) as a stdio proxy to warden-server's http://127.0.0.1:PORT/mcp, signing in
// at the test identity provider (test-idp.mjs) on its own: it finds the protected-resource
// metadata from Warden's 401, the IdP's metadata from that, registers a client, opens the
// authorization URL in a "browser" (test-browser.mjs, reached through xdg-open and $BROWSER),
// takes the code at its loopback callback, exchanges it, and connects. The official SDK client
// then speaks MCP to mcp-remote's stdin/stdout. HOME and mcp-remote's config folder are temp
// folders: nothing touches the user's files.
// Usage: node mcp-remote.mjs --server BIN --config DEMO/warden.json [--workdir DIR]
import fs from 'node:fs';
import path from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

import { Checks, assert, assertEqual, clientsDir, freePort, nodeBinDir, options, runMain, waitFor } from './lib.mjs';
import { jwtClaims, startOAuthStack } from './oauth-stack.mjs';

const mcpRemoteBin = fs.realpathSync(path.join(clientsDir, 'node_modules', '.bin', 'mcp-remote'));

// A folder with the browser command for $BROWSER, and the environment mcp-remote runs in:
// no desktop session (so xdg-open uses $BROWSER), HOME and MCP_REMOTE_CONFIG_DIR in `home`,
// the IdP's CA trusted through NODE_EXTRA_CA_CERTS.
function browserEnvironment(home, idp) {
    const bin = path.join(home, 'bin');
    fs.mkdirSync(bin, { recursive: true });
    const browser = path.join(bin, 'warden-test-browser');
    fs.writeFileSync(browser, `#!/bin/sh\nexec "${process.execPath}" "${path.join(clientsDir, 'test-browser.mjs')}" "$@"\n`,
        { mode: 0o755 });
    return {
        PATH: [bin, nodeBinDir, process.env.PATH].join(path.delimiter),
        HOME: home,
        XDG_CONFIG_HOME: path.join(home, '.config'),
        XDG_DATA_HOME: path.join(home, '.local', 'share'),
        XDG_CACHE_HOME: path.join(home, '.cache'),
        XDG_CURRENT_DESKTOP: 'X-Generic',
        MCP_REMOTE_CONFIG_DIR: path.join(home, '.mcp-auth'),
        NODE_EXTRA_CA_CERTS: idp.caFile,
        BROWSER: 'warden-test-browser',
        WARDEN_TEST_BROWSER_LOG: path.join(home, 'browser.log'),
        NODE_NO_WARNINGS: '1',
    };
}

function browserVisits(env) {
    const file = env.WARDEN_TEST_BROWSER_LOG;
    if (!fs.existsSync(file))
        return [];
    return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

// Runs mcp-remote for `url` with the SDK client on its stdio. Returns {client, stderr(), close()}.
async function connectThroughMcpRemote(url, callbackPort, env) {
    const transport = new StdioClientTransport({
        command: process.execPath,
        // As users run it (default transport strategy, http-first), with the callback on a
        // port known to be free and on 127.0.0.1 rather than "localhost".
        args: [mcpRemoteBin, url, String(callbackPort), '--host', '127.0.0.1', '--auth-timeout', '60'],
        env,
        cwd: env.HOME,
        stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (d) => (stderr += d));
    const client = new Client({ name: 'warden-mcp-remote-test', version: '1.0.0' });
    try {
        await client.connect(transport, { timeout: 90000 });
    } catch (e) {
        await client.close().catch(() => {});
        throw new Error(`${e.message}; mcp-remote stderr:\n${stderr.slice(-3000)}`);
    }
    return { client, stderr: () => stderr, close: () => client.close() };
}

// The tokens mcp-remote stored: {file, tokens}.
function storedTokens(configDir) {
    const files = [];
    const walk = (dir) => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
            const p = path.join(dir, e.name);
            if (e.isDirectory())
                walk(p);
            else if (e.name.endsWith('tokens.json'))
                files.push(p);
        }
    };
    if (fs.existsSync(configDir))
        walk(configDir);
    assertEqual(files.length, 1, `token files under ${configDir}`);
    return { file: files[0], tokens: JSON.parse(fs.readFileSync(files[0], 'utf8')) };
}

runMain(async () => {
    const opt = options();
    const checks = new Checks('mcp-remote');
    // Access tokens live 8 s but the IdP says an hour, and Warden allows no leeway: so
    // mcp-remote keeps using a token Warden refuses as expired, and must recover on the 401.
    const stack = await startOAuthStack(opt, 'mcp-remote',
        { idp: { accessTokenTtl: 8, advertisedTtl: 3600 }, oauth: { leeway_seconds: 0 } });
    const { idp, resource } = stack;
    const home = path.join(stack.work, 'home');
    const env = browserEnvironment(home, idp);
    const alice = idp.users.get(idp.currentUser);
    let remote;
    let stderrs = ''; // every mcp-remote run's
    const secrets = []; // every token mcp-remote stored: none may be logged or audited
    try {
        const callbackPort = await freePort();
        await checks.check('mcp-remote signs in (metadata, registration, browser, code exchange) and connects', async () => {
            const before = { ...idp.counts };
            remote = await connectThroughMcpRemote(resource, callbackPort, env);
            assertEqual(idp.counts.register - before.register, 1, 'client registrations at the IdP');
            assertEqual(idp.counts.authorize - before.authorize, 1, 'authorization requests');
            assert(idp.counts.token - before.token >= 1, 'no token request');
            const visits = browserVisits(env);
            assertEqual(visits.length, 1, 'browser runs');
            const hops = visits[0].hops;
            assertEqual(hops.map((h) => h.url).join(' → '),
                `${idp.issuer}/authorize → http://127.0.0.1:${callbackPort}/oauth/callback`, 'pages the browser loaded');
            assertEqual(hops.map((h) => h.status).join(' '), '302 200', 'their statuses');
        }, { timeoutMs: 100000 });

        await checks.check('initialize through the proxy: Warden answered', async () => {
            assert(remote, 'not connected');
            const info = remote.client.getServerVersion();
            assert(info && /warden/i.test(info.name), `serverInfo: ${JSON.stringify(info)}`);
            assert(remote.client.getServerCapabilities()?.tools, 'no tools capability');
        });

        await checks.check('tools/list through the proxy', async () => {
            assert(remote, 'not connected');
            const names = (await remote.client.listTools()).tools.map((t) => t.name);
            for (const wanted of ['db_describe_schema', 'db_query'])
                assert(names.includes(wanted), `${wanted} missing from ${names.join(', ')}`);
        });

        await checks.check('tools/call db_describe_schema through the proxy', async () => {
            assert(remote, 'not connected');
            const r = await remote.client.callTool({ name: 'db_describe_schema', arguments: {} });
            assert(r.isError !== true, `isError: ${JSON.stringify(r.content)}`);
            assert(r.structuredContent?.tables?.some((t) => t.name === 'orders'), 'orders not described');
        });

        await checks.check(`tools/call db_query: rows of the signed-in user's tenant (${alice.tenant}) only`, async () => {
            assert(remote, 'not connected');
            const r = await remote.client.callTool({ name: 'db_query',
                arguments: { table: 'orders', where: { field: 'status', op: 'eq', value: 'paid' }, take: 10 } });
            assert(r.isError !== true, `isError: ${JSON.stringify(r.content)}`);
            const rows = r.structuredContent.rows;
            assert(rows.length > 0, 'no rows');
            for (const row of rows)
                assertEqual(String(row.tenant_id), alice.tenant, 'row.tenant_id');
        });

        await checks.check('the token is stored under the temp MCP_REMOTE_CONFIG_DIR, issued for Warden\'s resource', async () => {
            const { tokens } = storedTokens(env.MCP_REMOTE_CONFIG_DIR);
            const token = tokens.access_token;
            assert(typeof token === 'string' && token.split('.').length === 3, 'no JWT access token stored');
            const claims = jwtClaims(token);
            assertEqual(claims.aud, resource, 'aud');
            assertEqual(claims.sub, idp.currentUser, 'sub');
            assert(claims.scope.split(' ').includes('warden.read'), `scope: ${claims.scope}`);
            secrets.push(token, tokens.refresh_token);
        });

        await checks.check('the token expires mid-session: Warden answers 401, mcp-remote refreshes it and the call goes through', async () => {
            assert(remote, 'not connected');
            const first = storedTokens(env.MCP_REMOTE_CONFIG_DIR).tokens.access_token;
            const { exp } = jwtClaims(first);
            await waitFor(() => Date.now() / 1000 >= exp + 1, 'the access token to expire', { timeoutMs: 20000 });
            const before = { ...idp.counts };
            const r = await remote.client.callTool({ name: 'db_describe_schema', arguments: {} });
            assert(r.isError !== true, `isError: ${JSON.stringify(r.content)}`);
            assert(idp.counts.refresh > before.refresh, 'no refresh_token grant at the IdP');
            assertEqual(idp.counts.authorize, before.authorize, 'authorization requests');
            assertEqual(browserVisits(env).length, 1, 'browser runs');
            const second = storedTokens(env.MCP_REMOTE_CONFIG_DIR).tokens;
            assert(second.access_token !== first, 'the stored token did not change');
            secrets.push(first, second.access_token, second.refresh_token);
        }, { timeoutMs: 40000 });

        await checks.check('a second mcp-remote reuses the stored token: no browser, no new authorization', async () => {
            stderrs += remote.stderr();
            await remote.close();
            remote = undefined;
            const authorizeBefore = idp.counts.authorize;
            const again = await connectThroughMcpRemote(resource, callbackPort, env);
            try {
                const r = await again.client.callTool({ name: 'db_describe_schema', arguments: {} });
                assert(r.isError !== true, `isError: ${JSON.stringify(r.content)}`);
                assertEqual(idp.counts.authorize, authorizeBefore, 'authorization requests');
                assertEqual(browserVisits(env).length, 1, 'browser runs');
                const { tokens } = storedTokens(env.MCP_REMOTE_CONFIG_DIR);
                secrets.push(tokens.access_token, tokens.refresh_token);
            } finally {
                stderrs += again.stderr();
                await again.close();
            }
        }, { timeoutMs: 60000 });
    } finally {
        if (remote) {
            stderrs += remote.stderr();
            await remote.close().catch(() => {});
        }
        await stack.server.stop();
    }

    await checks.check('Warden\'s audit: the 401s (no token, then the expired one), the calls as the signed-in '
        + 'user, one session across the refresh; no token in the audit, the server log or mcp-remote\'s output', async () => {
        const { records, text } = await stack.auditRecords();
        const reasons = records.filter((x) => x.kind === 'auth_failure').map((x) => x.details?.reason);
        assert(reasons.includes('missing'), `no 401 without a token (the discovery) in ${reasons.join(', ')}`);
        assert(reasons.includes('expired'), `no 401 for the expired token in ${reasons.join(', ')}`);
        const calls = records.filter((x) => x.kind === 'request' && x.method === 'tools/call');
        assertEqual(calls.length, 4, 'tools/call records');
        for (const c of calls)
            assertEqual(`${c.principal?.user} ${c.principal?.tenant} ${c.principal?.auth}`,
                `${idp.currentUser} ${alice.tenant} oauth`, 'caller of a tools/call');
        // The first run's three calls, before and after the refresh, in one session; the second
        // run had a session of its own.
        assertEqual(new Set(calls.slice(0, 3).map((c) => c.session)).size, 1, 'sessions of the first run');
        assert(calls[3].session !== calls[0].session, 'the second run used the first run\'s session');
        const found = secrets.filter(Boolean).filter((t) => text.includes(t) || stack.server.stderr().includes(t) || stderrs.includes(t));
        assertEqual(found.length, 0, 'tokens found in the audit, the server log or mcp-remote\'s output');
    }, { timeoutMs: 60000 });

    const code = checks.finish();
    if (code !== 0) {
        console.log(`browser: ${JSON.stringify(browserVisits(env))}`);
        console.log(`IdP requests: ${JSON.stringify(idp.events.slice(-30))}`);
        console.log(`mcp-remote stderr (last 4000 chars):\n${stderrs.slice(-4000)}`);
        console.log(`server stderr (last 2000 chars):\n${stack.server.stderr().slice(-2000)}`);
    }
    await stack.stop({ keep: code !== 0 });
    return code;
});
