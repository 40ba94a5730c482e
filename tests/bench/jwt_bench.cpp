// jwt_bench: the cost of validating one bearer token with a warm key set, per algorithm. A
// benchmark, not a test: it prints one line per figure and asserts nothing timed.
//
//   jwt_bench [--seconds S]     (default 1 s per figure)
//
// Each figure is JwtValidator::validate on the same valid token (strict base64url, strict
// JSON header, key lookup, signature, strict JSON claims, every claim check, the principal
// mapping) with the key set already parsed, as a request sees it after the first JWKS fetch;
// then two refusals an attacker can cause for free (alg none, a forged RS256 signature).
// Keys: RSA 2048 (e = 65537), P-256, Ed25519, a 48-byte HS256 secret.

#include "../core/JwtTestKit.h"

#include "auth/JwtValidator.h"
#include "auth/KeySet.h"
#include "secrets/SecretValue.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

using namespace warden;
using namespace warden::auth;
using warden::test::TestKey;

namespace {

using Clock = std::chrono::steady_clock;

void measure(const char *label, const JwtValidator &validator, const std::string &token,
             const KeySet &keys, std::int64_t now, double seconds, bool expectValid)
{
    for (int i = 0; i < 200; ++i) // warm up: caches, branch predictors, OpenSSL's method store
        (void)validator.validate(token, keys, now);
    if (validator.validate(token, keys, now).ok() != expectValid) {
        std::printf("%-34s FAILED: unexpected outcome\n", label);
        std::exit(1);
    }
    std::int64_t iterations = 0;
    const auto start = Clock::now();
    const auto end =
        start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    auto last = start;
    while (last < end) {
        for (int i = 0; i < 64; ++i)
            (void)validator.validate(token, keys, now);
        iterations += 64;
        last = Clock::now();
    }
    const double us =
        std::chrono::duration<double, std::micro>(last - start).count() / double(iterations);
    std::printf("%-34s %9.2f us/op  %10.0f op/s  (%lld ops, token %zu bytes)\n", label, us,
                1e6 / us, static_cast<long long>(iterations), token.size());
}

} // namespace

int main(int argc, char **argv)
{
    double seconds = 1.0;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
            seconds = std::atof(argv[++i]);
        } else {
            std::fprintf(stderr, "usage: jwt_bench [--seconds S]\n");
            return 2;
        }
    }

    const std::string secret = "a 48-byte HS256 secret for the benchmark only!!!";
    const TestKey rs = TestKey::rsa("rs");
    const TestKey ps = TestKey::rsa("ps", JwsAlgorithm::PS256);
    const TestKey es = TestKey::ec("es");
    const TestKey ed = TestKey::ed25519("ed");
    auto keys = KeySet::fromJson(test::jwks({ &rs, &ps, &es, &ed }));
    if (!keys) {
        std::printf("key set: %s\n", keys.error().message.c_str());
        return 1;
    }

    const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
    JwtRules rules;
    rules.issuer = "https://idp.example.com/realms/shop";
    rules.audience = "https://mcp.example.com/mcp";
    rules.algorithms.push_back(JwsAlgorithm::HS256);
    rules.claims.tenant = "tenant_id";
    rules.claims.roles = "realm_access.roles";
    const JwtValidator validator(rules, std::make_shared<const SecretValue>(secret));
    const Json claims = { { "iss", rules.issuer },
                          { "aud", Json::array({ rules.audience, "account" }) },
                          { "sub", "4f1c2b9e-3a44-4d0e-9a55-8d7e0d2b1c11" },
                          { "exp", now + 300 },
                          { "iat", now },
                          { "nbf", now },
                          { "jti", "b6a1d7f0-5d2c-4d43-8f0a-9f5e3c1a2b44" },
                          { "client_id", "claude-desktop" },
                          { "scope", "openid db.read db.write" },
                          { "tenant_id", "acme" },
                          { "realm_access",
                            { { "roles", Json::array({ "analyst", "support" }) } } } };

    std::printf("jwt_bench: JwtValidator::validate with a warm key set (%s)\n",
                OPENSSL_VERSION_TEXT);
    measure("RS256 (RSA 2048)", validator, test::mint(claims, rs), *keys, now, seconds, true);
    measure("PS256 (RSA 2048)", validator, test::mint(claims, ps), *keys, now, seconds, true);
    measure("ES256 (P-256)", validator, test::mint(claims, es), *keys, now, seconds, true);
    measure("EdDSA (Ed25519)", validator, test::mint(claims, ed), *keys, now, seconds, true);
    measure("HS256", validator,
            test::hs256Text(R"({"alg":"HS256","typ":"at+jwt"})", claims.dump(), secret), *keys, now,
            seconds, true);
    const std::string good = test::mint(claims, rs);
    const std::string forged =
        good.substr(0, good.rfind('.') + 1) + test::b64(std::string(256, 'x'));
    measure("refused: RS256 forged signature", validator, forged, *keys, now, seconds, false);
    measure("refused: alg none", validator,
            test::b64(R"({"alg":"none","typ":"at+jwt"})") + "." + test::b64(claims.dump()) + ".",
            *keys, now, seconds, false);
    return 0;
}
