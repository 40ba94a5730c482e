#include "Resources.h"

#include <QtGlobal>

#include <mutex>

static void initWardenResources()
{
    Q_INIT_RESOURCE(warden);
}

namespace warden {

void initResources()
{
    static std::once_flag once;
    std::call_once(once, initWardenResources);
}

} // namespace warden
