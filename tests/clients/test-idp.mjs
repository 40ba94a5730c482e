// A throwaway OAuth 2.0 authorization server for the end-to-end tests: HTTPS on 127.0.0.1 with
// a CA and server certificate made at start with the `openssl` CLI, RFC 8414 / OpenID discovery
// metadata, a JWKS with rotating RS256 and ES256 keys, dynamic client registration (RFC 7591),
// an /authorize endpoint that approves at once (PKCE S256 required), and a /token endpoint
// (authorization_code with PKCE, refresh_token) that mints RFC 9068 access tokens with `jose`.
// `mint()` and `attackTokens()` make arbitrary tokens for the refusal tests.
//
// As a module:   const idp = await startIdp({ resource: 'http://127.0.0.1:PORT/mcp' });
// Standalone:    node test-idp.mjs [--port N] [--resource URL] [--issuer-path /realms/x]
//                prints {issuer, jwks_uri, ca_file, admin_secret}; POST <issuer>/admin/rotate
//                with "X-Admin-Secret: <admin_secret>" (and ?alg=ES256) rotates the keys.
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { SignJWT, base64url, exportJWK, exportSPKI } from 'jose';

const execFileP = promisify(execFile);

const SUPPORTED_ALGS = ['RS256', 'PS256', 'ES256', 'EdDSA'];
const CODE_TTL_S = 60;
const MAX_BODY = 64 * 1024;

// A CA and a server certificate for 127.0.0.1 and localhost (EC P-256, valid one day) in `dir`.
export async function makeCertificates(dir) {
    const file = (name) => path.join(dir, name);
    const openssl = (args) => execFileP('openssl', args, { cwd: dir });
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    await openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1',
        '-subj', '/CN=Warden test IdP CA', '-addext', 'basicConstraints=critical,CA:TRUE',
        '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    await openssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
    fs.writeFileSync(file('server.ext'), ['subjectAltName=IP:127.0.0.1,DNS:localhost', 'basicConstraints=CA:FALSE',
        'keyUsage=critical,digitalSignature', 'extendedKeyUsage=serverAuth', ''].join('\n'));
    await openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
        '-out', 'server.pem', '-days', '1', '-extfile', 'server.ext']);
    fs.rmSync(file('ca.key')); // nothing else is ever signed with it
    return { caFile: file('ca.pem'), certFile: file('server.pem'), keyFile: file('server.key') };
}

// A signing key pair as node KeyObjects, pinned to one algorithm, with its public JWK.
export async function generateSigningKey(alg, kid) {
    let pair;
    if (alg === 'RS256' || alg === 'PS256')
        pair = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    else if (alg === 'ES256')
        pair = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    else if (alg === 'EdDSA')
        pair = crypto.generateKeyPairSync('ed25519');
    else
        throw new Error(`no key type for ${alg}`);
    const jwk = { ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig' };
    return { kid, alg, privateKey: pair.privateKey, publicKey: pair.publicKey, jwk };
}

const randomToken = (bytes = 32) => crypto.randomBytes(bytes).toString('base64url');
const sha256url = (text) => crypto.createHash('sha256').update(text).digest('base64url');
const b64json = (value) => base64url.encode(JSON.stringify(value));

function withOverrides(base, overrides) {
    const out = { ...base };
    for (const [k, v] of Object.entries(overrides ?? {})) {
        if (v === undefined)
            delete out[k];
        else
            out[k] = v;
    }
    return out;
}

function isLoopbackOrHttps(uri) {
    try {
        const u = new URL(uri);
        if (u.hash)
            return false;
        return u.protocol === 'https:' || (u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname));
    } catch {
        return false;
    }
}

export class TestIdp {
    constructor(options) {
        this.options = options;
        this.resource = options.resource;
        this.tenantClaim = options.tenantClaim ?? 'tenant_id';
        this.rolesClaim = options.rolesClaim ?? 'roles';
        this.accessTokenTtl = options.accessTokenTtl ?? 300;
        // expires_in of the token response; a larger value than the real lifetime makes clients
        // keep using a token the resource server already refuses as expired.
        this.advertisedTtl = options.advertisedTtl ?? this.accessTokenTtl;
        this.scopesSupported = options.scopesSupported ?? ['warden.read', 'openid', 'profile', 'offline_access'];
        // Who /authorize signs in (it approves without asking); login_hint picks another.
        this.users = new Map(Object.entries(options.users ?? {
            alice: { tenant: '2', roles: ['analyst'] },
            bob: { tenant: '3', roles: ['analyst'] },
        }));
        this.currentUser = options.currentUser ?? [...this.users.keys()][0];
        this.keys = []; // published, newest last
        this.current = new Map(); // alg -> kid of the key that signs new tokens
        this.clients = new Map();
        this.codes = new Map();
        this.refreshTokens = new Map();
        this.counts = { jwks: 0, metadata: 0, register: 0, authorize: 0, token: 0, refresh: 0 };
        this.events = []; // {method, path, status}: no query strings or bodies, so no secrets
        this.adminSecret = randomToken(24);
        this.keySerial = 0;
    }

    get jwksUri() {
        return `${this.issuer}/jwks`;
    }

    // The published key set, as served at /jwks.
    jwks() {
        return { keys: this.keys.map((k) => k.jwk) };
    }

    // Publishes a new key for `alg` and signs new tokens of that algorithm with it. With
    // `retire`, every older key of that algorithm leaves the JWKS. Returns the new kid.
    async rotate(alg = 'RS256', { retire = false } = {}) {
        const kid = `${alg.toLowerCase()}-${++this.keySerial}-${crypto.randomBytes(4).toString('hex')}`;
        const key = await generateSigningKey(alg, kid);
        if (retire)
            this.keys = this.keys.filter((k) => k.alg !== alg);
        this.keys.push(key);
        this.current.set(alg, kid);
        return kid;
    }

    signingKey({ alg = 'RS256', kid } = {}) {
        const wanted = kid ?? this.current.get(alg);
        const key = this.keys.find((k) => k.kid === wanted);
        if (!key)
            throw new Error(`the IdP has no key ${wanted} for ${alg}`);
        return key;
    }

    // RFC 9068 claims for `user`, with `claims` overrides (undefined removes a claim).
    claimsFor({ sub = this.currentUser, tenant, roles, scope = 'warden.read', aud = this.resource,
        clientId = 'warden-e2e-direct', expiresIn = this.accessTokenTtl, claims } = {}) {
        const user = this.users.get(sub) ?? {};
        const now = Math.floor(Date.now() / 1000);
        const base = {
            iss: this.issuer,
            aud,
            sub,
            client_id: clientId,
            scope,
            [this.tenantClaim]: tenant ?? user.tenant,
            [this.rolesClaim]: roles ?? user.roles ?? [],
            iat: now,
            exp: now + expiresIn,
            jti: crypto.randomUUID(),
        };
        if (base[this.tenantClaim] === undefined)
            delete base[this.tenantClaim];
        return withOverrides(base, claims);
    }

    // Mints a token directly. Options: the claimsFor() options; `alg` (RS256, PS256, ES256,
    // EdDSA, HS256 or none), `kid` (a published key; default the current one for alg), `key`
    // (sign with this KeyObject or secret instead of a published key), `header` overrides
    // (undefined removes one), `typ` (default at+jwt), `signOptions` (jose's, e.g. crit).
    async mint(options = {}) {
        const alg = options.alg ?? 'RS256';
        const payload = this.claimsFor(options);
        let key = options.key;
        let kid = options.kid;
        if (!key && alg !== 'none') {
            const published = this.signingKey({ alg, kid });
            key = published.privateKey;
            kid = published.kid;
        }
        const header = withOverrides({ alg, typ: options.typ ?? 'at+jwt', ...(kid ? { kid } : {}) }, options.header);
        if (alg === 'none')
            return `${b64json(header)}.${b64json(payload)}.`;
        return new SignJWT(payload).setProtectedHeader(header).sign(key, options.signOptions);
    }

    // Tokens Warden must refuse, each with the reason its audit record must name. All are
    // otherwise valid (right issuer, audience and tenant), so only the named defect is wrong.
    async attackTokens() {
        const now = Math.floor(Date.now() / 1000);
        const rsa = this.signingKey({ alg: 'RS256' });
        const foreign = await generateSigningKey('RS256', rsa.kid); // same kid, key not published
        const attacker = await generateSigningKey('ES256', 'attacker');
        const valid = await this.mint();
        const [h, p, s] = valid.split('.');
        const tampered = b64json({ ...JSON.parse(Buffer.from(p, 'base64url')), sub: 'mallory' });
        const pem = await exportSPKI(rsa.publicKey);
        const list = [
            ['expired', { claims: { iat: now - 900, exp: now - 600 } }, 'expired'],
            ['not yet valid (nbf in 10 minutes)', { claims: { nbf: now + 600 } }, 'not_yet_valid'],
            ['issued in the future', { claims: { iat: now + 600 } }, 'issued_in_future'],
            ['audience of another service', { aud: 'https://other.example/mcp' }, 'wrong_audience'],
            ['audience with a trailing slash', { aud: `${this.resource}/` }, 'wrong_audience'],
            ['no audience', { claims: { aud: undefined } }, 'missing_claim'],
            ['another issuer', { claims: { iss: 'https://evil.example/realms/warden' } }, 'wrong_issuer'],
            ['issuer with a trailing slash', { claims: { iss: `${this.issuer}/` } }, 'wrong_issuer'],
            ['no tenant claim', { claims: { [this.tenantClaim]: undefined } }, 'missing_claim'],
            ['no exp', { claims: { exp: undefined } }, 'missing_claim'],
            ['signed by an unpublished key under a published kid', { key: foreign.privateKey, kid: rsa.kid },
                'bad_signature'],
            ['signed by an unpublished key with an unknown kid', { key: attacker.privateKey, alg: 'ES256', kid: 'attacker' },
                'unknown_key'],
            ['alg none', { alg: 'none', header: { kid: rsa.kid } }, 'algorithm_not_allowed'],
            ['HS256 with the RSA public key (PEM) as the HMAC secret',
                { alg: 'HS256', key: new TextEncoder().encode(pem), kid: rsa.kid }, 'algorithm_not_allowed'],
            ['PS256 with the RS256 key', { alg: 'PS256', key: rsa.privateKey, kid: rsa.kid }, 'key_algorithm_mismatch'],
            ['typ JWT (an ID token)', { typ: 'JWT' }, 'wrong_type'],
            ['jku header naming the attacker\'s key set',
                { key: attacker.privateKey, alg: 'ES256', kid: 'attacker', header: { jku: 'https://evil.example/jwks' } },
                'token_supplied_key'],
            ['embedded jwk header', { key: attacker.privateKey, alg: 'ES256', kid: 'attacker', header: { jwk: attacker.jwk } },
                'token_supplied_key'],
            ['unknown critical header',
                { header: { crit: ['urn:example:ext'], 'urn:example:ext': 1 }, signOptions: { crit: { 'urn:example:ext': false } } },
                'unknown_critical_header'],
            ['too large (9 KiB of claims)', { claims: { pad: 'x'.repeat(9 * 1024) } }, 'too_large'],
        ];
        const out = [];
        for (const [name, options, reason] of list)
            out.push({ name, token: await this.mint(options), reason });
        out.push({ name: 'claims changed after signing', token: `${h}.${tampered}.${s}`, reason: 'bad_signature' });
        const short = base64url.encode(base64url.decode(s).subarray(0, -8));
        out.push({ name: 'signature 8 bytes short', token: `${h}.${p}.${short}`, reason: 'bad_signature' });
        out.push({ name: 'not a JWT', token: 'bm90.YS1qd3Q.c2lnbmF0dXJl', reason: 'malformed' });
        return out;
    }

    metadata() {
        const iss = this.issuer;
        return {
            issuer: iss,
            authorization_endpoint: `${iss}/authorize`,
            token_endpoint: `${iss}/token`,
            registration_endpoint: `${iss}/register`,
            jwks_uri: this.jwksUri,
            response_types_supported: ['code'],
            response_modes_supported: ['query'],
            grant_types_supported: ['authorization_code', 'refresh_token'],
            code_challenge_methods_supported: ['S256'],
            token_endpoint_auth_methods_supported: ['none', 'client_secret_post', 'client_secret_basic'],
            scopes_supported: this.scopesSupported,
            subject_types_supported: ['public'],
            id_token_signing_alg_values_supported: ['RS256'],
            authorization_response_iss_parameter_supported: true,
        };
    }

    async start({ host = '127.0.0.1', port = 0, issuerPath = '/realms/warden', certDir } = {}) {
        this.dir = fs.mkdtempSync(path.join(certDir ?? os.tmpdir(), 'warden-idp-'));
        const certs = await makeCertificates(this.dir);
        this.caFile = certs.caFile;
        this.issuerPath = issuerPath.replace(/\/$/, '');
        for (const alg of this.options.algorithms ?? ['RS256', 'ES256'])
            await this.rotate(alg);
        this.server = https.createServer({ key: fs.readFileSync(certs.keyFile), cert: fs.readFileSync(certs.certFile) },
            (req, res) => this.handle(req, res).catch((e) => {
                if (!res.headersSent)
                    this.json(res, 500, { error: 'server_error', error_description: String(e.message) });
            }));
        await new Promise((resolve, reject) => {
            this.server.once('error', reject);
            this.server.listen(port, host, resolve);
        });
        this.port = this.server.address().port;
        this.origin = `https://127.0.0.1:${this.port}`;
        this.issuer = `${this.origin}${this.issuerPath}`;
        return this;
    }

    async close() {
        if (this.server) {
            this.server.closeAllConnections();
            await new Promise((resolve) => this.server.close(resolve));
            this.server = null;
        }
        if (this.dir && !this.options.keepFiles)
            fs.rmSync(this.dir, { recursive: true, force: true });
    }

    json(res, status, body, headers = {}) {
        const text = JSON.stringify(body);
        res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store',
            'content-length': Buffer.byteLength(text), ...headers });
        res.end(text);
    }

    async body(req) {
        const chunks = [];
        let size = 0;
        for await (const chunk of req) {
            size += chunk.length;
            if (size > MAX_BODY)
                throw new Error('request body too large');
            chunks.push(chunk);
        }
        return Buffer.concat(chunks).toString('utf8');
    }

    async handle(req, res) {
        const url = new URL(req.url, this.origin);
        res.on('finish', () => this.events.push({ method: req.method, path: url.pathname, status: res.statusCode }));
        const p = url.pathname;
        const ip = this.issuerPath;
        const metadataPaths = [
            `/.well-known/oauth-authorization-server${ip}`, `/.well-known/openid-configuration${ip}`,
            `${ip}/.well-known/openid-configuration`, `${ip}/.well-known/oauth-authorization-server`,
        ];
        if (req.method === 'GET' && metadataPaths.includes(p)) {
            ++this.counts.metadata;
            return this.json(res, 200, this.metadata(), { 'cache-control': 'max-age=60' });
        }
        if (req.method === 'GET' && p === `${ip}/jwks`) {
            ++this.counts.jwks;
            return this.json(res, 200, this.jwks(), { 'content-type': 'application/jwk-set+json' });
        }
        if (req.method === 'POST' && p === `${ip}/register`)
            return this.register(req, res);
        if (req.method === 'GET' && p === `${ip}/authorize`)
            return this.authorize(url, res);
        if (req.method === 'POST' && p === `${ip}/token`)
            return this.token(req, res);
        if (req.method === 'POST' && p === `${ip}/admin/rotate` && this.options.admin) {
            if (req.headers['x-admin-secret'] !== this.adminSecret)
                return this.json(res, 403, { error: 'forbidden' });
            const alg = url.searchParams.get('alg') ?? 'RS256';
            if (!SUPPORTED_ALGS.includes(alg))
                return this.json(res, 400, { error: 'unsupported alg' });
            return this.json(res, 200, { kid: await this.rotate(alg, { retire: url.searchParams.has('retire') }) });
        }
        return this.json(res, 404, { error: 'not_found' });
    }

    // RFC 7591: public clients (token_endpoint_auth_method none) get no secret.
    async register(req, res) {
        ++this.counts.register;
        let meta;
        try {
            meta = JSON.parse(await this.body(req));
        } catch {
            return this.json(res, 400, { error: 'invalid_client_metadata', error_description: 'the body is not JSON' });
        }
        const uris = meta.redirect_uris;
        if (!Array.isArray(uris) || uris.length === 0 || !uris.every((u) => typeof u === 'string' && isLoopbackOrHttps(u)))
            return this.json(res, 400, { error: 'invalid_redirect_uri',
                error_description: 'redirect_uris must be https or http on loopback, without a fragment' });
        const method = meta.token_endpoint_auth_method ?? 'client_secret_basic';
        if (!['none', 'client_secret_post', 'client_secret_basic'].includes(method))
            return this.json(res, 400, { error: 'invalid_client_metadata', error_description: `unsupported ${method}` });
        const client = {
            client_id: `client-${randomToken(12)}`,
            client_id_issued_at: Math.floor(Date.now() / 1000),
            client_name: typeof meta.client_name === 'string' ? meta.client_name : undefined,
            redirect_uris: uris,
            grant_types: meta.grant_types ?? ['authorization_code'],
            response_types: meta.response_types ?? ['code'],
            token_endpoint_auth_method: method,
            scope: meta.scope,
        };
        if (method !== 'none') {
            client.client_secret = randomToken(24);
            client.client_secret_expires_at = 0;
        }
        this.clients.set(client.client_id, client);
        return this.json(res, 201, client);
    }

    // Approves at once as the current user (or login_hint's): 302 to the redirect URI with
    // code, state and iss (RFC 9207). Without a valid client and redirect URI it never redirects.
    authorize(url, res) {
        ++this.counts.authorize;
        const q = url.searchParams;
        const client = this.clients.get(q.get('client_id') ?? '');
        const redirectUri = q.get('redirect_uri');
        if (!client || !redirectUri || !client.redirect_uris.includes(redirectUri))
            return this.json(res, 400, { error: 'invalid_request', error_description: 'unknown client_id or redirect_uri' });
        // Back to the client with `params`, the state and the issuer (RFC 9207).
        const redirect = (params) => {
            const back = new URL(redirectUri);
            for (const [k, v] of Object.entries({ ...params, state: q.get('state') ?? undefined, iss: this.issuer }))
                if (v !== undefined)
                    back.searchParams.set(k, v);
            res.writeHead(302, { location: back.toString(), 'cache-control': 'no-store' });
            res.end();
        };
        const fail = (error, description) => redirect({ error, error_description: description });
        if (q.get('response_type') !== 'code')
            return fail('unsupported_response_type', 'response_type must be code');
        const challenge = q.get('code_challenge');
        if (!challenge || q.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(challenge))
            return fail('invalid_request', 'PKCE is required: code_challenge (43 characters) with code_challenge_method S256');
        const resource = q.get('resource');
        if (resource !== null && (!URL.canParse(resource) || new URL(resource).hash))
            return fail('invalid_target', 'resource must be an absolute URI without a fragment (RFC 8707)');
        const requested = (q.get('scope') ?? '').split(' ').filter(Boolean);
        const scope = (requested.length ? requested : ['warden.read']).filter((s) => this.scopesSupported.includes(s));
        const hint = q.get('login_hint');
        const user = hint && this.users.has(hint) ? hint : this.currentUser;
        const code = randomToken();
        this.codes.set(code, { clientId: client.client_id, redirectUri, challenge, scope: scope.join(' '), resource, user,
            expires: Date.now() + CODE_TTL_S * 1000 });
        return redirect({ code });
    }

    authenticateClient(req, form) {
        let id = form.get('client_id');
        let secret = form.get('client_secret');
        const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
        if (basic) {
            const [u, s] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
            id = decodeURIComponent(u);
            secret = decodeURIComponent(s ?? '');
        }
        const client = this.clients.get(id ?? '');
        if (!client)
            return null;
        if (client.token_endpoint_auth_method === 'none')
            return client;
        const ok = typeof secret === 'string' && secret.length === client.client_secret.length
            && crypto.timingSafeEqual(Buffer.from(secret), Buffer.from(client.client_secret));
        return ok ? client : null;
    }

    async token(req, res) {
        ++this.counts.token;
        const form = new URLSearchParams(await this.body(req));
        const client = this.authenticateClient(req, form);
        if (!client)
            return this.json(res, 401, { error: 'invalid_client', error_description: 'unknown client or bad credentials' });
        const grantType = form.get('grant_type');
        let grant;
        if (grantType === 'authorization_code') {
            const code = form.get('code') ?? '';
            grant = this.codes.get(code);
            this.codes.delete(code); // single use, whatever happens next
            if (!grant || grant.expires < Date.now() || grant.clientId !== client.client_id)
                return this.json(res, 400, { error: 'invalid_grant', error_description: 'unknown, used or expired code' });
            if (form.get('redirect_uri') !== grant.redirectUri)
                return this.json(res, 400, { error: 'invalid_grant', error_description: 'redirect_uri does not match' });
            const verifier = form.get('code_verifier') ?? '';
            if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || sha256url(verifier) !== grant.challenge)
                return this.json(res, 400, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
        } else if (grantType === 'refresh_token') {
            ++this.counts.refresh;
            const rt = form.get('refresh_token') ?? '';
            grant = this.refreshTokens.get(rt);
            this.refreshTokens.delete(rt); // rotated on every use
            if (!grant || grant.clientId !== client.client_id)
                return this.json(res, 400, { error: 'invalid_grant', error_description: 'unknown refresh token' });
        } else {
            return this.json(res, 400, { error: 'unsupported_grant_type' });
        }
        const resource = form.get('resource') ?? grant.resource;
        if (grant.resource && resource !== grant.resource)
            return this.json(res, 400, { error: 'invalid_target', error_description: 'resource differs from the authorization' });
        const accessToken = await this.mint({ sub: grant.user, scope: grant.scope, aud: resource ?? this.resource,
            clientId: client.client_id });
        const refreshToken = randomToken();
        this.refreshTokens.set(refreshToken, { ...grant, resource });
        return this.json(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: this.advertisedTtl,
            scope: grant.scope, refresh_token: refreshToken }, { pragma: 'no-cache' });
    }
}

// Starts an IdP. Options: resource (the default audience), tenantClaim, rolesClaim, users
// ({sub: {tenant, roles}}), currentUser, algorithms (keys made at start), accessTokenTtl, advertisedTtl,
// scopesSupported, host, port, issuerPath, certDir (parent of the temp folder), keepFiles, admin.
export async function startIdp(options = {}) {
    const idp = new TestIdp(options);
    return idp.start(options);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
    const args = process.argv.slice(2);
    const arg = (name) => {
        const i = args.indexOf(name);
        return i >= 0 ? args[i + 1] : undefined;
    };
    const idp = await startIdp({ port: Number(arg('--port') ?? 0), resource: arg('--resource') ?? 'http://127.0.0.1:8765/mcp',
        issuerPath: arg('--issuer-path') ?? '/realms/warden', admin: true });
    console.log(JSON.stringify({ issuer: idp.issuer, jwks_uri: idp.jwksUri, ca_file: idp.caFile,
        admin_secret: idp.adminSecret }, null, 2));
    for (const sig of ['SIGINT', 'SIGTERM'])
        process.on(sig, () => idp.close().then(() => process.exit(0)));
}
