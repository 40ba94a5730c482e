// The official TypeScript SDK client (StreamableHTTPClientTransport) against
// `warden-server --http 127.0.0.1:PORT`, authenticated with an API key made by
// `warden-server keys create`, ending with the authentication rules and a session DELETE.
// Usage: node sdk-http.mjs --server BIN --config warden.json
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { Checks, assert, assertEqual, createApiKey, options, postMessage, readConfig, run, runMain, startHttpServer } from './lib.mjs';
import { sdkChecks } from './sdk-checks.mjs';

async function connect(url, key) {
    const requestInit = key ? { headers: { Authorization: `Bearer ${key}` } } : undefined;
    const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit });
    const client = new Client({ name: 'warden-sdk-http-test', version: '1.0.0' });
    await client.connect(transport);
    return { client, transport };
}

const post = postMessage;

const ping = { jsonrpc: '2.0', id: 7, method: 'ping' };

async function authChecks(checks, url, sessionId, opt, principal) {
    await checks.check('no credentials: 401 with a Bearer challenge and no error code', async () => {
        const r = await post(url, ping, { 'mcp-session-id': sessionId });
        assertEqual(r.status, 401, 'status');
        const challenge = r.headers.get('www-authenticate') ?? '';
        assert(/^Bearer /.test(challenge), `WWW-Authenticate: ${challenge}`);
        assert(!/error=/.test(challenge), `an unauthenticated request gets no error code: ${challenge}`);
    });
    await checks.check('a forged key: 401 invalid_token, the key not echoed', async () => {
        const forged = 'wk_0123456789abcdef_' + 'A'.repeat(43);
        const r = await post(url, ping, { authorization: `Bearer ${forged}` });
        assertEqual(r.status, 401, 'status');
        assert(/error="invalid_token"/.test(r.headers.get('www-authenticate') ?? ''), 'no invalid_token');
        assert(!JSON.stringify(r.body).includes(forged), 'the key came back in the body');
    });
    await checks.check('a token in the query string: 400 invalid_request', async () => {
        const r = await post(`${url}?access_token=abc`, ping);
        assertEqual(r.status, 400, 'status');
    });
    await checks.check("another principal's key cannot use the session (404, as for an unknown id)", async () => {
        const other = await createApiKey(opt.server, opt.config, ['--user', 'someone-else', ...principal]);
        const r = await post(url, ping, { authorization: `Bearer ${other}`, 'mcp-session-id': sessionId });
        assertEqual(r.status, 404, 'status');
    });
    await checks.check('a key without the scope: tools/list works, tools/call is 403 insufficient_scope', async () => {
        const noScope = await createApiKey(opt.server, opt.config, ['--user', 'no-scope', '--tenant', principal[1]]);
        const client = new Client({ name: 'warden-sdk-http-noscope', version: '1.0.0' });
        const transport = new StreamableHTTPClientTransport(new URL(url), {
            requestInit: { headers: { Authorization: `Bearer ${noScope}` } },
        });
        await client.connect(transport);
        try {
            const tools = await client.listTools();
            assert(tools.tools.length > 0, 'no tools listed');
            const r = await post(url, { jsonrpc: '2.0', id: 8, method: 'tools/call',
                params: { name: 'db_describe_schema', arguments: {} } },
            { authorization: `Bearer ${noScope}`, 'mcp-session-id': transport.sessionId });
            assertEqual(r.status, 403, 'status');
            const challenge = r.headers.get('www-authenticate') ?? '';
            assert(/error="insufficient_scope"/.test(challenge) && /scope="warden.read"/.test(challenge),
                `WWW-Authenticate: ${challenge}`);
            assertEqual(r.body?.result?.structuredContent?.error?.code, 'INSUFFICIENT_SCOPE', 'error code');
        } finally {
            await transport.terminateSession();
            await client.close();
        }
    });
    await checks.check('a revoked key is refused within seconds', async () => {
        const doomed = await createApiKey(opt.server, opt.config, ['--user', 'doomed', ...principal]);
        const id = doomed.split('_')[1];
        const init = { jsonrpc: '2.0', id: 1, method: 'initialize',
            params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'revoke', version: '1' } } };
        assertEqual((await post(url, init, { authorization: `Bearer ${doomed}` })).status, 200, 'before revoking');
        const revoked = await run(opt.server, ['keys', 'revoke', id, '--config', opt.configPath ?? opt.config]);
        assertEqual(revoked.code, 0, `keys revoke: ${revoked.stderr}`);
        let status = 200;
        for (let i = 0; i < 40 && status === 200; ++i) {
            await new Promise((r) => setTimeout(r, 100));
            status = (await post(url, init, { authorization: `Bearer ${doomed}` })).status;
        }
        assertEqual(status, 401, 'after revoking');
    });
}

runMain(async () => {
    const opt = options();
    const config = readConfig(opt.config);
    const checks = new Checks('sdk-http');
    // The demo's local principal: tenant 1, analyst, allowed to read.
    const principal = ['--tenant', config.local_principal.tenant_id, '--role', 'analyst', '--scope', 'warden.read'];
    const key = await createApiKey(opt.server, opt.config, ['--user', 'sdk-agent', '--name', 'sdk-http', ...principal]);
    const server = await startHttpServer(opt.server, opt.config);
    let fixtureServer;
    try {
        assert(new URL(server.url).hostname === '127.0.0.1', `server listens on ${server.url}, not loopback`);
        const { client, transport } = await connect(server.url, key);
        try {
            await checks.check('initialize: session id issued', async () => {
                assert(typeof transport.sessionId === 'string' && transport.sessionId.length >= 16,
                    `session id: ${JSON.stringify(transport.sessionId)}`);
                assert(/^[\x21-\x7e]+$/.test(transport.sessionId), 'session id has non-visible characters');
                assert(client.getServerCapabilities()?.tools, 'no tools capability');
            });
            await sdkChecks(checks, client, {
                config,
                configPath: opt.config,
                async withFixtureClient(fn) {
                    fixtureServer ??= await startHttpServer(opt.server, opt.config, ['--conformance-fixtures']);
                    const fx = await connect(fixtureServer.url, key);
                    try {
                        await fn(fx.client);
                    } finally {
                        await fx.transport.terminateSession();
                        await fx.client.close();
                    }
                },
            });
            await authChecks(checks, server.url, transport.sessionId, opt, principal);
            await checks.check('DELETE ends the session; the old id is then unknown (404)', async () => {
                const sid = transport.sessionId;
                await transport.terminateSession(); // throws unless 2xx (or 405)
                assertEqual(transport.sessionId, undefined, 'sessionId after terminateSession');
                const res = await fetch(server.url, {
                    method: 'POST',
                    headers: {
                        'content-type': 'application/json',
                        accept: 'application/json, text/event-stream',
                        authorization: `Bearer ${key}`,
                        'mcp-session-id': sid,
                        'mcp-protocol-version': '2025-11-25',
                    },
                    body: JSON.stringify({ jsonrpc: '2.0', id: 99, method: 'ping' }),
                });
                await res.arrayBuffer();
                assertEqual(res.status, 404, 'status of a request on the deleted session');
            });
        } finally {
            await client.close();
        }
    } finally {
        await server.stop();
        if (fixtureServer)
            await fixtureServer.stop();
    }
    const code = checks.finish();
    if (code !== 0)
        console.log(`server stderr (last 2000 chars):\n${server.stderr().slice(-2000)}`);
    return code;
});
