// OAuth 2.0 end to end: warden-server as the resource server of a real identity provider
// (test-idp.mjs, HTTPS on 127.0.0.1), the official TypeScript SDK client completing the
// authorization-code flow with its own OAuth client provider (RFC 9728 → RFC 8414 → RFC 7591 →
// PKCE → token with an RFC 8707 resource), then the token rules seen from outside: tenant from
// the token, refresh, key rotation, insufficient scope and the SDK's step-up, sessions bound
// to the user, a table of forged and defective tokens, and the audit trail of the refusals
// (never the token text).
// Usage: node oauth.mjs --server BIN --config DEMO/warden.json [--workdir DIR]
import crypto from 'node:crypto';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { Checks, assert, assertEqual, options, postMessage, runMain } from './lib.mjs';
import { TENANT_CLAIM, jwtClaims, startOAuthStack } from './oauth-stack.mjs';

const PROTOCOL = '2025-11-25';
const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize',
    params: { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: { name: 'warden-oauth-raw', version: '1' } } };
const callDescribe = { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'db_describe_schema', arguments: {} } };

const post = postMessage;
const bearer = (token) => ({ authorization: `Bearer ${token}` });

const claimsOf = jwtClaims;

function headerOf(token) {
    return JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8'));
}

// RFC 6750 challenge parameters: {scheme, params}.
function parseChallenge(value) {
    const m = /^(\S+)\s*(.*)$/.exec(value ?? '');
    assert(m, `no WWW-Authenticate challenge: ${JSON.stringify(value)}`);
    const params = {};
    for (const p of m[2].matchAll(/([a-z_]+)="([^"]*)"/g))
        params[p[1]] = p[2];
    return { scheme: m[1], params };
}

// An OAuthClientProvider kept in memory: a public client (no secret) with a loopback redirect
// URI. The "browser" is fetch without following the redirect: the code is read from Location.
class MemoryOAuthProvider {
    constructor(redirectUrl) {
        this.redirect = redirectUrl;
    }

    get redirectUrl() {
        return this.redirect;
    }

    get clientMetadata() {
        return { client_name: 'warden-oauth-e2e', redirect_uris: [this.redirect], grant_types: ['authorization_code', 'refresh_token'],
            response_types: ['code'], token_endpoint_auth_method: 'none' };
    }

    state() {
        this.expectedState = crypto.randomBytes(16).toString('base64url');
        return this.expectedState;
    }

    clientInformation() {
        return this.client;
    }

    saveClientInformation(info) {
        this.client = info;
    }

    tokens() {
        return this.saved;
    }

    saveTokens(tokens) {
        this.saved = tokens;
    }

    redirectToAuthorization(url) {
        this.authorizationUrl = url;
    }

    saveCodeVerifier(verifier) {
        this.verifier = verifier;
    }

    codeVerifier() {
        return this.verifier;
    }
}

// What a browser does with the authorization URL: the IdP approves at once and redirects to
// the client's redirect URI with the code.
async function approve(provider, issuer) {
    const res = await fetch(provider.authorizationUrl, { redirect: 'manual' });
    await res.arrayBuffer();
    assertEqual(res.status, 302, 'the authorization endpoint answers with a redirect');
    const back = new URL(res.headers.get('location'));
    assertEqual(`${back.origin}${back.pathname}`, provider.redirect, 'redirect target');
    assertEqual(back.searchParams.get('state'), provider.expectedState, 'state echoed');
    assertEqual(back.searchParams.get('iss'), issuer, 'iss (RFC 9207)');
    const code = back.searchParams.get('code');
    assert(code, `no code in the redirect (error: ${back.searchParams.get('error')})`);
    return code;
}

async function connectWith(url, transportOptions, name) {
    const transport = new StreamableHTTPClientTransport(new URL(url), transportOptions);
    const client = new Client({ name, version: '1.0.0' });
    await client.connect(transport);
    return { client, transport };
}

async function close({ client, transport }) {
    try {
        await transport.terminateSession();
    } finally {
        await client.close();
    }
}

async function queryOrders(client, where) {
    const r = await client.callTool({ name: 'db_query', arguments: { table: 'orders', where, take: 20 } });
    assert(r.isError !== true, `db_query failed: ${JSON.stringify(r.content)}`);
    return r.structuredContent.rows;
}

function assertInvalidTokenChallenge(r, resource, what) {
    assertEqual(r.status, 401, `${what}: status`);
    const { scheme, params } = parseChallenge(r.headers.get('www-authenticate'));
    assertEqual(scheme, 'Bearer', `${what}: scheme`);
    assertEqual(params.error, 'invalid_token', `${what}: error`);
    assertEqual(params.resource_metadata, metadataUrl(resource), `${what}: resource_metadata`);
    assertEqual(params.scope, 'warden.read', `${what}: scope`);
}

function metadataUrl(resource) {
    const u = new URL(resource);
    return `${u.origin}/.well-known/oauth-protected-resource${u.pathname}`;
}

runMain(async () => {
    const opt = options();
    const checks = new Checks('oauth');
    const stack = await startOAuthStack(opt, 'oauth');
    const { idp, resource } = stack;
    const secrets = []; // every token and refresh token seen: none may reach the audit trail
    const expectedReasons = []; // every 401's audit reason, in order
    const alice = idp.users.get('alice'); // whom the IdP signs in
    let sdk;
    try {
        await checks.check('protected-resource metadata at both well-known paths matches the configuration', async () => {
            const origin = new URL(resource).origin;
            const docs = [];
            for (const p of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
                const res = await fetch(`${origin}${p}`);
                assertEqual(res.status, 200, `${p}: status`);
                assert(/^application\/json/.test(res.headers.get('content-type') ?? ''), `${p}: content type`);
                docs.push(await res.json());
            }
            assertEqual(JSON.stringify(docs[1]), JSON.stringify(docs[0]), 'the two documents');
            const doc = docs[0];
            assertEqual(doc.resource, resource, 'resource');
            assertEqual(JSON.stringify(doc.authorization_servers), JSON.stringify([idp.issuer]), 'authorization_servers');
            assert(Array.isArray(doc.scopes_supported) && doc.scopes_supported.includes('warden.read'),
                `scopes_supported: ${JSON.stringify(doc.scopes_supported)}`);
            assertEqual(JSON.stringify(doc.bearer_methods_supported), '["header"]', 'bearer_methods_supported');
        });

        await checks.check('no token: 401, challenge with resource_metadata and scope, no error code', async () => {
            const r = await post(resource, initialize);
            assertEqual(r.status, 401, 'status');
            const { scheme, params } = parseChallenge(r.headers.get('www-authenticate'));
            assertEqual(scheme, 'Bearer', 'scheme');
            assertEqual(params.resource_metadata, metadataUrl(resource), 'resource_metadata');
            assertEqual(params.scope, 'warden.read', 'scope');
            assertEqual(params.error, undefined, 'error (none without credentials, RFC 6750 section 3.1)');
            expectedReasons.push('missing');
        });

        // Nothing listens on the redirect URI: approve() reads the code from the IdP's redirect.
        const provider = new MemoryOAuthProvider('http://127.0.0.1:9/oauth/callback');
        await checks.check('SDK OAuth client: metadata discovery, registration, PKCE authorization, token for this resource', async () => {
            const before = { ...idp.counts };
            const transport = new StreamableHTTPClientTransport(new URL(resource), { authProvider: provider });
            const client = new Client({ name: 'warden-oauth-sdk', version: '1.0.0' });
            let refused;
            try {
                await client.connect(transport);
            } catch (e) {
                refused = e;
            }
            assert(refused instanceof UnauthorizedError, `the first connect should need authorization, got ${refused}`);
            expectedReasons.push('missing');
            const q = provider.authorizationUrl?.searchParams;
            assert(q, 'the SDK never asked to open the authorization URL');
            assertEqual(`${provider.authorizationUrl.origin}${provider.authorizationUrl.pathname}`, `${idp.issuer}/authorize`,
                'authorization endpoint (from the IdP metadata the protected-resource metadata led to)');
            assertEqual(q.get('code_challenge_method'), 'S256', 'code_challenge_method');
            assertEqual(q.get('resource'), resource, 'resource (RFC 8707)');
            assertEqual(q.get('scope'), 'warden.read', 'scope (from the challenge)');
            assertEqual(q.get('client_id'), provider.client?.client_id, 'client_id (dynamically registered)');
            await transport.finishAuth(await approve(provider, idp.issuer));
            const token = provider.tokens()?.access_token;
            assert(token, 'no access token saved');
            secrets.push(token, provider.tokens().refresh_token);
            assertEqual(headerOf(token).typ, 'at+jwt', 'typ');
            const claims = claimsOf(token);
            assertEqual(claims.aud, resource, 'aud');
            assertEqual(claims.iss, idp.issuer, 'iss');
            assertEqual(claims.client_id, provider.client.client_id, 'client_id');
            for (const k of ['register', 'authorize', 'token'])
                assertEqual(idp.counts[k] - before[k], 1, `IdP ${k} calls`);
        });

        await checks.check('SDK client with the token: initialize, tools/list, db_describe_schema', async () => {
            sdk = await connectWith(resource, { authProvider: provider }, 'warden-oauth-sdk');
            assert(sdk.client.getServerCapabilities()?.tools, 'no tools capability');
            const tools = (await sdk.client.listTools()).tools.map((t) => t.name);
            for (const wanted of ['db_describe_schema', 'db_query'])
                assert(tools.includes(wanted), `${wanted} missing from ${tools.join(', ')}`);
            const r = await sdk.client.callTool({ name: 'db_describe_schema', arguments: {} });
            assert(r.isError !== true, `db_describe_schema failed: ${JSON.stringify(r.content)}`);
            assert(r.structuredContent.tables.some((t) => t.name === 'orders'), 'orders not described');
        });

        await checks.check(`tenant from the token's ${TENANT_CLAIM} claim: db_query sees tenant ${alice.tenant} only`, async () => {
            assert(sdk, 'no SDK session from the previous check');
            const rows = await queryOrders(sdk.client, { field: 'status', op: 'eq', value: 'paid' });
            assert(rows.length > 0, 'no paid orders for the token\'s tenant');
            for (const row of rows)
                assertEqual(String(row.tenant_id), alice.tenant, 'row.tenant_id');
            // The local principal's tenant (1) is not the token's: naming it widens nothing.
            const other = await queryOrders(sdk.client, { field: 'tenant_id', op: 'eq', value: 1 });
            assertEqual(other.length, 0, 'rows of tenant 1 visible with a tenant-2 token');
            // Another user's token, another tenant: the same query now sees only that tenant.
            const bob = await connectWith(resource, { requestInit: { headers: bearer(await idp.mint({ sub: 'bob' })) } },
                'warden-oauth-bob');
            try {
                const bobRows = await queryOrders(bob.client, { field: 'status', op: 'eq', value: 'paid' });
                assert(bobRows.length > 0, 'no paid orders for bob\'s tenant');
                for (const row of bobRows)
                    assertEqual(String(row.tenant_id), idp.users.get('bob').tenant, 'bob: row.tenant_id');
            } finally {
                await close(bob);
            }
        });

        await checks.check('refresh_token grant at the IdP: the new access token is accepted', async () => {
            const res = await fetch(`${idp.issuer}/token`, {
                method: 'POST',
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
                body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: provider.tokens().refresh_token,
                    client_id: provider.client.client_id, resource }),
            });
            assertEqual(res.status, 200, 'token endpoint status');
            const fresh = await res.json();
            secrets.push(fresh.access_token, fresh.refresh_token);
            assert(claimsOf(fresh.access_token).jti !== claimsOf(provider.tokens().access_token).jti, 'the same token again');
            const r = await post(resource, initialize, bearer(fresh.access_token));
            assertEqual(r.status, 200, 'initialize with the refreshed token');
        });

        await checks.check('key rotation: a token signed by a new kid is accepted once the server refetches the JWKS; '
            + 'the retired key is refused', async () => {
            const fetchesBefore = idp.counts.jwks;
            const retired = idp.signingKey({ alg: 'ES256' });
            const early = await idp.mint({ alg: 'ES256' });
            const kid = await idp.rotate('ES256', { retire: true });
            const token = await idp.mint({ alg: 'ES256' });
            secrets.push(token);
            assertEqual(headerOf(token).kid, kid, 'kid');
            // The first attempt may fall within the refetch cooldown (6 s since the last fetch):
            // then it is refused as unknown_key until the cooldown has passed.
            let r;
            const deadline = Date.now() + 20000;
            for (;;) {
                r = await post(resource, initialize, bearer(token));
                if (r.status !== 401 || Date.now() > deadline)
                    break;
                expectedReasons.push('unknown_key');
                await new Promise((resolve) => setTimeout(resolve, 250));
            }
            assertEqual(r.status, 200, 'initialize with the new key');
            assert(idp.counts.jwks > fetchesBefore, 'the server did not fetch the JWKS again');
            // The key set Warden now holds no longer lists the old ES256 key.
            const old = await idp.mint({ alg: 'ES256', key: retired.privateKey, kid: retired.kid });
            secrets.push(early, old);
            for (const t of [early, old]) {
                assertInvalidTokenChallenge(await post(resource, initialize, bearer(t)), resource, 'retired key');
                expectedReasons.push('unknown_key');
            }
        }, { timeoutMs: 40000 });

        await checks.check('a token without warden.read: tools/list works, tools/call is 403 insufficient_scope', async () => {
            const token = await idp.mint({ scope: 'openid profile' });
            secrets.push(token);
            const init = await post(resource, initialize, bearer(token));
            assertEqual(init.status, 200, 'initialize');
            const session = { 'mcp-session-id': init.headers.get('mcp-session-id'), ...bearer(token) };
            await post(resource, { jsonrpc: '2.0', method: 'notifications/initialized' }, session);
            const list = await post(resource, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, session);
            assertEqual(list.status, 200, 'tools/list');
            const r = await post(resource, callDescribe, session);
            assertEqual(r.status, 403, 'tools/call status');
            const { scheme, params } = parseChallenge(r.headers.get('www-authenticate'));
            assertEqual(scheme, 'Bearer', 'scheme');
            assertEqual(params.error, 'insufficient_scope', 'error');
            assertEqual(params.scope, 'warden.read', 'scope');
            assertEqual(params.resource_metadata, metadataUrl(resource), 'resource_metadata');
        });

        await checks.check('SDK step-up: the 403 challenge makes the SDK authorize warden.read; the call then succeeds '
            + 'in the same session', async () => {
            const narrow = await idp.mint({ scope: 'openid profile' });
            const stepUp = new MemoryOAuthProvider('http://127.0.0.1:9/oauth/callback');
            stepUp.saveTokens({ access_token: narrow, token_type: 'Bearer' }); // no refresh token: a new authorization
            const session = await connectWith(resource, { authProvider: stepUp }, 'warden-oauth-step-up');
            try {
                const sid = session.transport.sessionId;
                let refused;
                try {
                    await session.client.callTool({ name: 'db_describe_schema', arguments: {} });
                } catch (e) {
                    refused = e;
                }
                assert(refused instanceof UnauthorizedError, `the SDK should have gone to authorize, got ${refused}`);
                assertEqual(stepUp.authorizationUrl?.searchParams.get('scope'), 'warden.read', 'scope asked for');
                await session.transport.finishAuth(await approve(stepUp, idp.issuer));
                const token = stepUp.tokens().access_token;
                secrets.push(narrow, token, stepUp.tokens().refresh_token);
                assert(claimsOf(token).scope.split(' ').includes('warden.read'), 'the new token lacks warden.read');
                const r = await session.client.callTool({ name: 'db_describe_schema', arguments: {} });
                assert(r.isError !== true, `db_describe_schema failed: ${JSON.stringify(r.content)}`);
                assertEqual(session.transport.sessionId, sid, 'session id');
            } finally {
                await close(session);
            }
        });

        await checks.check("a session made with alice's token: bob's token gets 404, alice's next token works", async () => {
            const aliceToken = await idp.mint({ sub: 'alice' });
            const init = await post(resource, initialize, bearer(aliceToken));
            assertEqual(init.status, 200, 'initialize');
            const sid = init.headers.get('mcp-session-id');
            const ping = { jsonrpc: '2.0', id: 3, method: 'ping' };
            // Same tenant as alice, another user: still not her session.
            const bobToken = await idp.mint({ sub: 'bob', tenant: alice.tenant });
            const mallory = await post(resource, ping, { ...bearer(bobToken), 'mcp-session-id': sid });
            assertEqual(mallory.status, 404, "bob's token on alice's session");
            const later = await idp.mint({ sub: 'alice' });
            const again = await post(resource, ping, { ...bearer(later), 'mcp-session-id': sid });
            assertEqual(again.status, 200, "alice's second token on her session");
            secrets.push(aliceToken, bobToken, later);
        });

        const attacks = await idp.attackTokens();
        for (const attack of attacks) {
            secrets.push(attack.token);
            await checks.check(`refused: ${attack.name} → 401 invalid_token (${attack.reason})`, async () => {
                const r = await post(resource, initialize, bearer(attack.token));
                assertInvalidTokenChallenge(r, resource, attack.name);
                assert(!r.text.includes(attack.token), 'the token came back in the body');
                expectedReasons.push(attack.reason);
            });
        }

        await checks.check('the SDK session still works after the refusals', async () => {
            assert(sdk, 'no SDK session');
            await sdk.client.ping();
        });
    } finally {
        if (sdk)
            await close(sdk).catch(() => {});
        await stack.server.stop();
    }

    await checks.check('audit export: an auth_failure with its reason for every 401, the calls as the token\'s user; '
        + 'no token text there or in the log', async () => {
        const { records, text } = await stack.auditRecords();
        const failures = records.filter((x) => x.kind === 'auth_failure');
        // The refusals came one at a time, so their records are in the order they were made.
        const reasons = failures.map((x) => x.details?.reason);
        assertEqual(reasons.join(' '), expectedReasons.join(' '), 'auth_failure reasons, in order');
        for (const f of failures) {
            assert(typeof f.details?.reason === 'string' && f.details.reason.length > 0, 'an auth_failure without a reason');
            assertEqual(f.details.status, 401, `status of the ${f.details.reason} record`);
        }
        const calls = records.filter((x) => x.kind !== 'auth_failure' && x.principal?.auth === 'oauth');
        assert(calls.some((x) => x.principal.user === 'alice' && x.principal.tenant === alice.tenant),
            'no record of a call as alice (oauth) in her tenant');
        const leaked = secrets.filter((s) => s && text.includes(s));
        assertEqual(leaked.length, 0, 'tokens found in the audit export');
        // The signature part alone identifies a token too.
        const signatures = secrets.filter((s) => s && s.split('.')[2]?.length > 16 && text.includes(s.split('.')[2]));
        assertEqual(signatures.length, 0, 'token signatures found in the audit export');
        const logged = secrets.filter((s) => s && stack.server.stderr().includes(s));
        assertEqual(logged.length, 0, 'tokens found in the server log');
    }, { timeoutMs: 60000 });

    const code = checks.finish();
    if (code !== 0) {
        console.log(`IdP requests: ${JSON.stringify(idp.events.slice(-30))}`);
        console.log(`server stderr (last 3000 chars):\n${stack.server.stderr().slice(-3000)}`);
    }
    await stack.stop({ keep: code !== 0 });
    return code;
});
