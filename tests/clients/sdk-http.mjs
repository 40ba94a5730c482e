// The official TypeScript SDK client (StreamableHTTPClientTransport) against
// `warden-server --http 127.0.0.1:PORT`, ending with a session DELETE.
// Usage: node sdk-http.mjs --server BIN --config warden.json
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { Checks, assert, assertEqual, options, readConfig, runMain, startHttpServer } from './lib.mjs';
import { sdkChecks } from './sdk-checks.mjs';

async function connect(url) {
    const transport = new StreamableHTTPClientTransport(new URL(url));
    const client = new Client({ name: 'warden-sdk-http-test', version: '1.0.0' });
    await client.connect(transport);
    return { client, transport };
}

runMain(async () => {
    const opt = options();
    const config = readConfig(opt.config);
    const checks = new Checks('sdk-http');
    const server = await startHttpServer(opt.server, opt.config);
    let fixtureServer;
    try {
        assert(new URL(server.url).hostname === '127.0.0.1', `server listens on ${server.url}, not loopback`);
        const { client, transport } = await connect(server.url);
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
                    const fx = await connect(fixtureServer.url);
                    try {
                        await fn(fx.client);
                    } finally {
                        await fx.transport.terminateSession();
                        await fx.client.close();
                    }
                },
            });
            await checks.check('DELETE ends the session; the old id is then unknown (404)', async () => {
                const sid = transport.sessionId;
                await transport.terminateSession(); // throws unless 2xx (or 405)
                assertEqual(transport.sessionId, undefined, 'sessionId after terminateSession');
                const res = await fetch(server.url, {
                    method: 'POST',
                    headers: {
                        'content-type': 'application/json',
                        accept: 'application/json, text/event-stream',
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
