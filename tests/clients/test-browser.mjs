// The "browser" of clients.mcp-remote. mcp-remote opens the authorization URL with the `open`
// package, which on Linux runs xdg-open; with no desktop session xdg-open hands the URL to the
// command named by $BROWSER, a wrapper that runs this script. Like a user who clicks "allow",
// it loads the URL, follows the redirects (the IdP approves at once and sends it to
// mcp-remote's loopback callback) and appends what it saw to $WARDEN_TEST_BROWSER_LOG as one
// JSON line: each hop's origin, path and status, never a query (it holds the code).
// Exits 0 when the last page loaded with 200.
import fs from 'node:fs';

const MAX_HOPS = 5;

const url = process.argv[2];
const logFile = process.env.WARDEN_TEST_BROWSER_LOG;
const hops = [];
let ok = false;
let error;
try {
    let current = new URL(url);
    for (let i = 0; i < MAX_HOPS; ++i) {
        const res = await fetch(current, { redirect: 'manual', signal: AbortSignal.timeout(30000) });
        await res.arrayBuffer();
        hops.push({ url: `${current.origin}${current.pathname}`, status: res.status });
        const location = res.headers.get('location');
        if (res.status >= 300 && res.status < 400 && location) {
            current = new URL(location, current);
            continue;
        }
        ok = res.status === 200;
        break;
    }
} catch (e) {
    error = String(e && e.message ? e.message : e);
}
if (logFile)
    fs.appendFileSync(logFile, `${JSON.stringify({ hops, ok, error })}\n`);
process.exit(ok ? 0 : 1);
