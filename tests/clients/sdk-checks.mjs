// The checks sdk-stdio.mjs and sdk-http.mjs share: what an agent using the official
// TypeScript SDK client sees of warden-server over either transport.
import path from 'node:path';

import { assert, assertEqual } from './lib.mjs';

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

function structured(result, what) {
    assert(result && typeof result === 'object', `${what}: no result`);
    assert(result.isError !== true, `${what}: isError: ${JSON.stringify(result.content)}`);
    assert(result.structuredContent && typeof result.structuredContent === 'object',
        `${what}: no structuredContent`);
    return result.structuredContent;
}

// Orders per tenant straight from the demo database, so that the scoping check knows other
// tenants' paid orders exist (otherwise "all rows are ours" would prove nothing).
async function paidOrdersByTenant(dbPath) {
    let sqlite;
    try {
        sqlite = await import('node:sqlite');
    } catch {
        return null; // Node without node:sqlite: the in-band checks still run
    }
    const db = new sqlite.DatabaseSync(dbPath, { readOnly: true });
    try {
        const rows = db.prepare("SELECT tenant_id, COUNT(*) AS n FROM orders WHERE status = 'paid' GROUP BY tenant_id").all();
        return new Map(rows.map((r) => [String(r.tenant_id), Number(r.n)]));
    } finally {
        db.close();
    }
}

// `ctx`: {config (parsed warden.json), configPath, withFixtureClient(fn) -> runs fn(client)
// against a server started with --conformance-fixtures}.
export async function sdkChecks(checks, client, ctx) {
    const tenant = String(ctx.config.local_principal.tenant_id);
    let tools = [];

    await checks.check('tools/list: valid names, db_describe_schema and db_query present', async () => {
        const r = await client.listTools();
        tools = r.tools;
        assert(Array.isArray(tools) && tools.length > 0, 'no tools listed');
        for (const t of tools) {
            assert(TOOL_NAME.test(t.name), `tool name ${JSON.stringify(t.name)} does not match ${TOOL_NAME}`);
            assert(typeof t.description === 'string' && t.description.length > 0, `${t.name}: no description`);
            assertEqual(t.inputSchema?.type, 'object', `${t.name}: inputSchema.type`);
        }
        const names = tools.map((t) => t.name);
        for (const wanted of ['db_describe_schema', 'db_query'])
            assert(names.includes(wanted), `${wanted} missing from ${names.join(', ')}`);
        const query = tools.find((t) => t.name === 'db_query');
        // With an outputSchema listed, the SDK validates every structuredContent it receives.
        assert(query.outputSchema && query.outputSchema.type === 'object', 'db_query declares no outputSchema');
    });

    await checks.check('tools/call db_describe_schema', async () => {
        const r = await client.callTool({ name: 'db_describe_schema', arguments: {} });
        const s = structured(r, 'db_describe_schema');
        assert(Array.isArray(s.tables) && s.tables.length > 0, 'no tables');
        const orders = s.tables.find((t) => t.name === 'orders');
        assert(orders, `orders missing from ${s.tables.map((t) => t.name).join(', ')}`);
        assert(Array.isArray(orders.columns) && orders.columns.some((c) => c.name === 'status'),
            'orders.status not described');
        assert(r.content.some((c) => c.type === 'text' && c.text.length > 0), 'no text block');
    });

    let rows = [];
    await checks.check('tools/call db_query (paid orders, take 5) with structuredContent validated by the SDK', async () => {
        const r = await client.callTool({
            name: 'db_query',
            arguments: { table: 'orders', where: { field: 'status', op: 'eq', value: 'paid' }, take: 5 },
        });
        const s = structured(r, 'db_query');
        assert(Array.isArray(s.rows), 'rows is not an array');
        assert(s.rows.length > 0 && s.rows.length <= 5, `expected 1..5 rows, got ${s.rows.length}`);
        for (const row of s.rows)
            assertEqual(row.status, 'paid', 'row.status');
        assertEqual(typeof s.has_more, 'boolean', 'typeof has_more');
        assertEqual(typeof s.truncated, 'boolean', 'typeof truncated');
        assert(s.next_cursor === null || typeof s.next_cursor === 'string', 'next_cursor is neither null nor a string');
        rows = s.rows;
    });

    await checks.check(`tenant scoping: every row belongs to tenant ${tenant}`, async () => {
        assert(rows.length > 0, 'no rows from the previous check');
        for (const row of rows) {
            assert('tenant_id' in row, `tenant_id not returned: ${JSON.stringify(row)}`);
            assertEqual(String(row.tenant_id), tenant, 'row.tenant_id');
        }
        const counts = await paidOrdersByTenant(path.join(path.dirname(ctx.configPath), 'shop.db'));
        if (counts) {
            const others = [...counts.entries()].filter(([t, n]) => t !== tenant && n > 0);
            assert(others.length > 0, 'the demo database has no other tenant with paid orders: the check proves nothing');
            // Naming another tenant in the filter must not widen the scope: it is ANDed outside.
            const [other] = others[0];
            const r = await client.callTool({
                name: 'db_query',
                arguments: { table: 'orders', where: { field: 'tenant_id', op: 'eq', value: Number(other) }, take: 5 },
            });
            if (r.isError !== true) {
                assertEqual(r.structuredContent.rows.length, 0, `rows of tenant ${other} visible to tenant ${tenant}`);
            }
        }
    });

    await checks.check('tools/call error: isError with a stable code, structuredContent valid', async () => {
        const r = await client.callTool({ name: 'db_query', arguments: { table: 'no_such_table' } });
        assertEqual(r.isError, true, 'isError');
        const code = r.structuredContent?.error?.code;
        assert(typeof code === 'string' && /^[A-Z_]+$/.test(code), `no stable error code: ${JSON.stringify(r.structuredContent)}`);
    });

    await checks.check('resources/list and resources/read of a schema resource', async () => {
        const list = await client.listResources();
        const schema = list.resources.find((r) => r.uri.startsWith('warden://schema'));
        assert(schema, `no warden://schema resource among ${list.resources.map((r) => r.uri).join(', ')}`);
        const read = await client.readResource({ uri: schema.uri });
        assert(Array.isArray(read.contents) && read.contents.length > 0, 'no contents');
        const c = read.contents[0];
        assertEqual(c.uri, schema.uri, 'contents[0].uri');
        assert(typeof c.text === 'string' && c.text.length > 0, 'contents[0].text is empty');
    });

    await checks.check('progress notifications for a call with a progressToken', async () => {
        const seen = [];
        const r = await client.callTool({ name: 'db_query', arguments: { table: 'orders', where: { field: 'status', op: 'eq', value: 'shipped' }, take: 5 } }, undefined,
            { onprogress: (p) => seen.push(p) });
        assert(r.isError !== true, 'db_query failed');
        if (seen.length > 0)
            return; // the normal tools report progress themselves
        // They emit none for a quick query: prove the transport delivers progress with the
        // conformance fixture instead.
        await ctx.withFixtureClient(async (fixtureClient) => {
            const got = [];
            const res = await fixtureClient.callTool({ name: 'test_tool_with_progress', arguments: {} }, undefined,
                { onprogress: (p) => got.push(p) });
            assert(got.length >= 3, `expected 3 progress notifications before the result, got ${got.length}`);
            for (let i = 1; i < got.length; ++i)
                assert(got[i].progress > got[i - 1].progress, 'progress does not increase');
            assertEqual(got[got.length - 1].progress, 100, 'final progress');
            assert(res.content?.[0]?.text, 'no result text');
        });
    });
}
