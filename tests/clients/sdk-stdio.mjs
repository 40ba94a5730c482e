// The official TypeScript SDK client (StdioClientTransport) drives `warden-server --stdio`.
// Usage: node sdk-stdio.mjs --server BIN --config warden.json
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

import { Checks, assert, options, readConfig, runMain } from './lib.mjs';
import { sdkChecks } from './sdk-checks.mjs';

async function connect(bin, args) {
    const transport = new StdioClientTransport({ command: bin, args, stderr: 'pipe' });
    let stderr = '';
    transport.stderr?.on('data', (d) => (stderr += d));
    const client = new Client({ name: 'warden-sdk-stdio-test', version: '1.0.0' });
    try {
        await client.connect(transport);
    } catch (e) {
        throw new Error(`${e.message}; server stderr:\n${stderr}`);
    }
    return { client, transport, stderr: () => stderr };
}

runMain(async () => {
    const opt = options();
    const config = readConfig(opt.config);
    const checks = new Checks('sdk-stdio');
    const { client, stderr } = await connect(opt.server, ['--stdio', '--config', opt.config]);
    try {
        await checks.check('initialize: server info and capabilities', async () => {
            const info = client.getServerVersion();
            assert(info && info.name && info.version, `serverInfo: ${JSON.stringify(info)}`);
            const caps = client.getServerCapabilities();
            assert(caps && caps.tools, `no tools capability: ${JSON.stringify(caps)}`);
        });
        await sdkChecks(checks, client, {
            config,
            configPath: opt.config,
            async withFixtureClient(fn) {
                const fx = await connect(opt.server, ['--stdio', '--conformance-fixtures', '--config', opt.config]);
                try {
                    await fn(fx.client);
                } finally {
                    await fx.client.close();
                }
            },
        });
    } finally {
        await client.close();
    }
    const code = checks.finish();
    if (code !== 0)
        console.log(`server stderr (last 2000 chars):\n${stderr().slice(-2000)}`);
    return code;
});
