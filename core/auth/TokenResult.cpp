#include "TokenResult.h"

namespace warden::auth {

std::string_view TokenError::reasonName(Reason reason)
{
    switch (reason) {
    case Reason::Malformed:
        return "malformed";
    case Reason::TooLarge:
        return "too_large";
    case Reason::AlgorithmNotAllowed:
        return "algorithm_not_allowed";
    case Reason::TokenSuppliedKey:
        return "token_supplied_key";
    case Reason::UnknownCriticalHeader:
        return "unknown_critical_header";
    case Reason::WrongType:
        return "wrong_type";
    case Reason::KeysUnavailable:
        return "keys_unavailable";
    case Reason::UnknownKey:
        return "unknown_key";
    case Reason::KeyAlgorithmMismatch:
        return "key_algorithm_mismatch";
    case Reason::BadSignature:
        return "bad_signature";
    case Reason::Expired:
        return "expired";
    case Reason::NotYetValid:
        return "not_yet_valid";
    case Reason::IssuedInFuture:
        return "issued_in_future";
    case Reason::WrongIssuer:
        return "wrong_issuer";
    case Reason::WrongAudience:
        return "wrong_audience";
    case Reason::MissingClaim:
        return "missing_claim";
    case Reason::InvalidClaim:
        return "invalid_claim";
    }
    return "unknown";
}

const std::vector<TokenError::Reason> &TokenError::allReasons()
{
    static const std::vector<Reason> reasons = {
        Reason::Malformed,
        Reason::TooLarge,
        Reason::AlgorithmNotAllowed,
        Reason::TokenSuppliedKey,
        Reason::UnknownCriticalHeader,
        Reason::WrongType,
        Reason::KeysUnavailable,
        Reason::UnknownKey,
        Reason::KeyAlgorithmMismatch,
        Reason::BadSignature,
        Reason::Expired,
        Reason::NotYetValid,
        Reason::IssuedInFuture,
        Reason::WrongIssuer,
        Reason::WrongAudience,
        Reason::MissingClaim,
        Reason::InvalidClaim,
    };
    return reasons;
}

std::optional<TokenError::Reason> TokenError::reasonFromName(std::string_view name)
{
    for (const Reason reason : allReasons()) {
        if (reasonName(reason) == name)
            return reason;
    }
    return std::nullopt;
}

const std::vector<TokenCheck::Step> &TokenCheck::allSteps()
{
    static const std::vector<Step> steps = {
        Step::Size,      Step::Format,   Step::Header,   Step::Type,   Step::Algorithm,
        Step::Key,       Step::Signature, Step::Expiry,  Step::NotBefore, Step::IssuedAt,
        Step::Issuer,    Step::Audience, Step::Principal,
    };
    return steps;
}

} // namespace warden::auth
