#include "Log.h"

#include <QtGlobal>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace warden::log {
namespace {

void qtMessageHandler(QtMsgType type, const QMessageLogContext &, const QString &message)
{
    const std::string text = message.toStdString();
    switch (type) {
    case QtDebugMsg: spdlog::debug("qt: {}", text); break;
    case QtInfoMsg: spdlog::info("qt: {}", text); break;
    case QtWarningMsg: spdlog::warn("qt: {}", text); break;
    case QtCriticalMsg: spdlog::error("qt: {}", text); break;
    case QtFatalMsg: spdlog::critical("qt: {}", text); break;
    }
}

} // namespace

void init()
{
    auto logger = spdlog::stderr_color_mt("warden");
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
    spdlog::set_default_logger(logger);
    spdlog::set_level(spdlog::level::info);
    qInstallMessageHandler(qtMessageHandler);
}

void setLevel(const QString &level)
{
    static const std::pair<const char *, spdlog::level::level_enum> levels[] = {
        {"trace", spdlog::level::trace}, {"debug", spdlog::level::debug}, {"info", spdlog::level::info},
        {"warning", spdlog::level::warn}, {"error", spdlog::level::err},   {"critical", spdlog::level::critical},
        {"off", spdlog::level::off}};
    for (const auto &[name, lvl] : levels)
        if (level == QLatin1String(name))
            spdlog::set_level(lvl);
}

} // namespace warden::log
