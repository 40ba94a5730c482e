#include "JwsAlgorithm.h"

namespace warden::auth {

std::string_view algorithmName(JwsAlgorithm algorithm)
{
    switch (algorithm) {
    case JwsAlgorithm::RS256:
        return "RS256";
    case JwsAlgorithm::PS256:
        return "PS256";
    case JwsAlgorithm::ES256:
        return "ES256";
    case JwsAlgorithm::EdDSA:
        return "EdDSA";
    case JwsAlgorithm::HS256:
        return "HS256";
    }
    return "unknown";
}

std::optional<JwsAlgorithm> algorithmFromName(std::string_view name)
{
    for (const JwsAlgorithm algorithm : allAlgorithms()) {
        if (algorithmName(algorithm) == name)
            return algorithm;
    }
    return std::nullopt;
}

const std::vector<JwsAlgorithm> &defaultAlgorithms()
{
    static const std::vector<JwsAlgorithm> algorithms = { JwsAlgorithm::RS256, JwsAlgorithm::PS256,
                                                          JwsAlgorithm::ES256,
                                                          JwsAlgorithm::EdDSA };
    return algorithms;
}

const std::vector<JwsAlgorithm> &allAlgorithms()
{
    static const std::vector<JwsAlgorithm> algorithms = { JwsAlgorithm::RS256, JwsAlgorithm::PS256,
                                                          JwsAlgorithm::ES256, JwsAlgorithm::EdDSA,
                                                          JwsAlgorithm::HS256 };
    return algorithms;
}

} // namespace warden::auth
