#include "PolicyService.h"

namespace warden {

PolicyCheck PolicyCheck::fromStatus(const Status &status)
{
    PolicyCheck check;
    if (status.ok()) {
        check.valid = true;
        return check;
    }
    const Error &error = status.error();
    check.message = QString::fromStdString(error.message);
    const auto problems = error.details.find("problems");
    if (error.code == ErrorCode::ConfigInvalid && problems != error.details.end()
        && problems->is_array()) {
        for (const Json &p : *problems)
            check.problems.append({ QString::fromStdString(p.value("pointer", std::string())),
                                    QString::fromStdString(p.value("message", std::string())) });
    }
    if (check.problems.isEmpty())
        check.problems.append({ QString(), check.message });
    return check;
}

} // namespace warden
