#include "JsonCompare.h"
#include "policy/Redactor.h"

#include <QTest>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

using namespace warden;


namespace {

MaskSpec spec(MaskSpec::Kind kind, std::string pattern = {})
{
    MaskSpec s;
    s.kind = kind;
    s.pattern = std::move(pattern);
    return s;
}

std::string hex(const unsigned char *bytes, std::size_t n)
{
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
        out += digits[bytes[i] >> 4];
        out += digits[bytes[i] & 0x0f];
    }
    return out;
}

// Computed here with OpenSSL directly, not through warden::crypto, so a mistake there shows.
std::string referenceHmac(const std::string &key, const std::string &data)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), int(key.size()),
         reinterpret_cast<const unsigned char *>(data.data()), data.size(), out, &len);
    return hex(out, len);
}

std::string plainSha256(const std::string &data)
{
    unsigned char out[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char *>(data.data()), data.size(), out);
    return hex(out, sizeof out);
}

// Whether `s` is well-formed UTF-8 (no sequence cut in half).
bool validUtf8(const std::string &s)
{
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        std::size_t len = c < 0x80 ? 1
            : (c >> 5) == 6        ? 2
            : (c >> 4) == 14       ? 3
            : (c >> 3) == 30       ? 4
                                   : 0;
        if (len == 0 || i + len > s.size())
            return false;
        for (std::size_t k = 1; k < len; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80)
                return false;
        i += len;
    }
    return true;
}

ColumnView view(ColumnAction action, MaskSpec mask = {})
{
    static db::ColumnInfo info { "c", "text", "TEXT", true, false };
    ColumnView v;
    v.info = &info;
    v.action = action;
    v.mask = std::move(mask);
    return v;
}

QByteArray q(const std::string &s)
{
    return QByteArray::fromStdString(s);
}

} // namespace

class TestRedactor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emailMask()
    {
        const auto email = spec(MaskSpec::Kind::Email);
        QCOMPARE(q(Redactor::mask(email, "alice@example.com")), QByteArray("a***@example.com"));
        QCOMPARE(q(Redactor::mask(email, "b@x.org")), QByteArray("b***@x.org"));
        // A multi-byte first character is kept whole.
        const std::string utf =
            Redactor::mask(email, "\xc3\xa9mile@ex\xc3\xa4mple.fr"); // émile@exämple.fr
        QCOMPARE(q(utf), QByteArray("\xc3\xa9***@ex\xc3\xa4mple.fr"));
        QVERIFY(validUtf8(utf));
        // Not an address: never shown as is.
        QCOMPARE(q(Redactor::mask(email, "not-an-address")), QByteArray("n************s"));
        QCOMPARE(q(Redactor::mask(email, "@example.com")), QByteArray("@**********m"));
    }

    void phoneMask()
    {
        const auto phone = spec(MaskSpec::Kind::Phone);
        QCOMPARE(q(Redactor::mask(phone, "+1 (415) 555-0123")), QByteArray("+* (***) ***-0123"));
        QCOMPARE(q(Redactor::mask(phone, "+14155550123")), QByteArray("+*******0123"));
        QCOMPARE(q(Redactor::mask(phone, "0123")), QByteArray("****"));
        QCOMPARE(q(Redactor::mask(phone, "12")), QByteArray("**"));
    }

    void partialMask()
    {
        const auto partial = spec(MaskSpec::Kind::Partial);
        QCOMPARE(q(Redactor::mask(partial, "Bob")), QByteArray("B*b"));
        QCOMPARE(q(Redactor::mask(partial, "Johnson")), QByteArray("J*****n"));
        QCOMPARE(q(Redactor::mask(partial, "ab")), QByteArray("**"));
        QCOMPARE(q(Redactor::mask(partial, "a")), QByteArray("*"));
        QCOMPARE(q(Redactor::mask(partial, "")), QByteArray(""));
        // One star per character, not per byte, and characters are never cut.
        const std::string zoe = Redactor::mask(partial, "Zo\xc3\xab"); // Zoë
        QCOMPARE(q(zoe), QByteArray("Z*\xc3\xab"));
        const std::string jp =
            Redactor::mask(partial, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"); // 日本語
        QCOMPARE(q(jp), QByteArray("\xe6\x97\xa5*\xe8\xaa\x9e"));
        QVERIFY(validUtf8(jp));
    }

    void cardMask()
    {
        const auto card = spec(MaskSpec::Kind::Card);
        QCOMPARE(q(Redactor::mask(card, "4111111111111111")), QByteArray("************1111"));
        QCOMPARE(q(Redactor::mask(card, "12345")), QByteArray("*2345"));
        QCOMPARE(q(Redactor::mask(card, "1234")), QByteArray("****")); // too short: nothing shown
        QCOMPARE(q(Redactor::mask(card, "12")), QByteArray("**"));
    }

    void fullMask()
    {
        const auto full = spec(MaskSpec::Kind::Full);
        QCOMPARE(q(Redactor::mask(full, "anything at all")), QByteArray("****"));
        QCOMPARE(q(Redactor::mask(full, "x")),
                 QByteArray("****")); // the length is not revealed either
        QCOMPARE(q(Redactor::mask(full, "")), QByteArray("****"));
    }

    void patternMask()
    {
        const auto p = spec(MaskSpec::Kind::Pattern, "{first2}***{last4}");
        QCOMPARE(q(Redactor::mask(p, "ABCDEFGHIJ")), QByteArray("AB***GHIJ"));
        QCOMPARE(q(Redactor::mask(p, "ABCDEFG")), QByteArray("AB***DEFG"));
        QCOMPARE(
            q(Redactor::mask(spec(MaskSpec::Kind::Pattern, "****{last4}"), "4111111111111111")),
            QByteArray("****1111"));
        QCOMPARE(q(Redactor::mask(spec(MaskSpec::Kind::Pattern, "{first4}-**-**"), "1990-05-17")),
                 QByteArray("1990-**-**"));
        // Every placeholder is replaced, not only the first of each kind.
        QCOMPARE(
            q(Redactor::mask(spec(MaskSpec::Kind::Pattern, "{first1}.{first1}.{last1}"), "abcdef")),
            QByteArray("a.a.f"));
        // Unknown braces are literal text.
        QCOMPARE(q(Redactor::mask(spec(MaskSpec::Kind::Pattern, "{x}{last2}"), "abcdef")),
                 QByteArray("{x}ef"));
    }

    void patternNeverRevealsAShortValueWhole()
    {
        const auto p = spec(MaskSpec::Kind::Pattern, "{first2}***{last4}");
        // 6 characters: first2 + last4 would be the whole value.
        QCOMPARE(q(Redactor::mask(p, "ABCDEF")), QByteArray("******"));
        QCOMPARE(q(Redactor::mask(p, "ABCDE")), QByteArray("*****"));
        QCOMPARE(q(Redactor::mask(p, "AB")), QByteArray("**"));
        QCOMPARE(q(Redactor::mask(spec(MaskSpec::Kind::Pattern, "{last4}"), "123")),
                 QByteArray("***"));
        QCOMPARE(q(Redactor::mask(spec(MaskSpec::Kind::Pattern, "{first3}"), "abc")),
                 QByteArray("***"));
        for (const char *value : { "A", "AB", "ABC", "ABCD", "ABCDE", "ABCDEF" }) {
            const std::string out = Redactor::mask(p, value);
            QVERIFY2(out.find(value) == std::string::npos, value);
        }
    }

    void patternCountsCharactersNotBytes()
    {
        const auto p = spec(MaskSpec::Kind::Pattern, "{first2}***{last4}");
        // ÄÖÜßéèà€ : 8 characters, 17 bytes.
        const std::string value =
            "\xc3\x84\xc3\x96\xc3\x9c\xc3\x9f\xc3\xa9\xc3\xa8\xc3\xa0\xe2\x82\xac";
        const std::string out = Redactor::mask(p, value);
        QCOMPARE(q(out), QByteArray("\xc3\x84\xc3\x96***\xc3\xa9\xc3\xa8\xc3\xa0\xe2\x82\xac"));
        QVERIFY(validUtf8(out));
        // Four-byte characters (emoji): 7 characters.
        const std::string emoji =
            "\xf0\x9f\x98\x80\xf0\x9f\x98\x81\xf0\x9f\x98\x82\xf0\x9f\x98\x83\xf0\x9f\x98\x84"
            "\xf0\x9f\x98\x85\xf0\x9f\x98\x86";
        const std::string e = Redactor::mask(p, emoji);
        QVERIFY(validUtf8(e));
        QCOMPARE(q(e),
                 QByteArray("\xf0\x9f\x98\x80\xf0\x9f\x98\x81***"
                            "\xf0\x9f\x98\x83\xf0\x9f\x98\x84\xf0\x9f\x98\x85"
                            "\xf0\x9f\x98\x86"));
        // Six 3-byte characters: would be revealed whole, so all stars (one per character).
        const std::string six =
            "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac";
        QCOMPARE(q(Redactor::mask(p, six)), QByteArray("******"));
    }

    void applyPassesNullAndAllowedValues()
    {
        Redactor r("key");
        QVERIFY(r.apply(view(ColumnAction::Mask, spec(MaskSpec::Kind::Email)), Json(nullptr))
                    .is_null());
        QVERIFY(r.apply(view(ColumnAction::Hash), Json(nullptr)).is_null());
        JCOMPARE(r.apply(view(ColumnAction::Allow), Json("alice@example.com")),
                 Json("alice@example.com"));
        JCOMPARE(r.apply(view(ColumnAction::Allow), Json(42)), Json(42));
        JCOMPARE(r.apply(view(ColumnAction::Mask, spec(MaskSpec::Kind::Email)),
                         Json("alice@example.com")),
                 Json("a***@example.com"));
        // Non-text values are masked through their text form and come back as text.
        JCOMPARE(r.apply(view(ColumnAction::Mask, spec(MaskSpec::Kind::Card)), Json(12345678)),
                 Json("****5678"));
        JCOMPARE(r.apply(view(ColumnAction::Hash), Json(42)), Json(r.hash("42")));
        JCOMPARE(r.apply(view(ColumnAction::Hash), Json("x")), Json(r.hash("x")));
    }

    void hashIsKeyedHmac()
    {
        const std::string value = "AB-123-456-C";
        Redactor a("first secret key");
        Redactor b("second secret key");
        const std::string ha = a.hash(value);
        const std::string hb = b.hash(value);
        QVERIFY(ha != hb); // the key matters
        QCOMPARE(a.hash(value), ha); // deterministic under one key (equality joins still work)
        QVERIFY(a.hash(value + "x") != ha);

        const std::string prefix = "hmac-sha256:";
        QVERIFY2(ha.rfind(prefix, 0) == 0, ha.c_str());
        const std::string digest = ha.substr(prefix.size());
        QCOMPARE(q(digest), q(referenceHmac("first secret key", value)));
        QCOMPARE(q(hb.substr(prefix.size())), q(referenceHmac("second secret key", value)));
        // Not a plain (dictionary-attackable) SHA-256 of the value, nor of key + value.
        QVERIFY(digest != plainSha256(value));
        QVERIFY(digest != plainSha256("first secret key" + value));
        QVERIFY(ha.find(value) == std::string::npos);

        // Binary keys with NUL bytes are used whole.
        const std::string binKey("k\0ey", 4);
        QCOMPARE(q(Redactor(binKey).hash(value).substr(prefix.size())),
                 q(referenceHmac(binKey, value)));
        QVERIFY(Redactor(binKey).hash(value) != Redactor("k").hash(value));
    }
};

QTEST_GUILESS_MAIN(TestRedactor)
#include "TestRedactor.moc"
