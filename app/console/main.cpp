// warden: the administration console. Parses the command line, loads the translation and the
// server configuration (creating the bundled demo on first start), then hands an embedded
// warden::Server to the main window. Everything else lives in ui/, models/ and core/.

#include "Appearance.h"
#include "MainWindow.h"
#include "config/ServerConfig.h"
#include "demo/DemoDataset.h"
#include "server/Server.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QLibraryInfo>
#include <QLocale>
#include <QMessageBox>
#include <QProgressDialog>
#include <QStandardPaths>
#include <QThread>
#include <QTimer>
#include <QTranslator>

#include <atomic>
#include <cstdio>
#include <optional>

#include <time.h>

namespace {

// Exit codes shared with warden-server (DESIGN.md).
constexpr int ExitFailure = 1;
constexpr int ExitUsage = 2;

struct ConsoleOptions
{
    QString configPath;
    std::optional<int> port;
    bool autostart = true;
    QString language;
};

// The translation context for the strings in this file (they live outside any QObject).
struct Console
{
    Q_DECLARE_TR_FUNCTIONS(Console)
};

int usageError(const QString &message)
{
    std::fputs(qPrintable(QStringLiteral("warden: ") + message + QLatin1Char('\n')), stderr);
    return ExitUsage;
}

std::optional<int> parseCommandLine(const QApplication &app, ConsoleOptions &options)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Console::tr("Warden console: governed MCP access to SQL databases."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption config(
        QStringLiteral("config"),
        Console::tr("Use the server configuration FILE instead of the bundled demo."),
        QStringLiteral("FILE"));
    const QCommandLineOption port(QStringLiteral("port"),
                                  Console::tr("Listen for HTTP on port N (0 picks a free port)."),
                                  QStringLiteral("N"));
    const QCommandLineOption noAutostart(
        QStringLiteral("no-autostart"),
        Console::tr("Do not start the server when the console opens."));
    const QCommandLineOption lang(QStringLiteral("lang"),
                                  Console::tr("Use the language CODE (for example de or en)."),
                                  QStringLiteral("CODE"));
    parser.addOptions({ config, port, noAutostart, lang });
    if (!parser.parse(app.arguments()))
        return usageError(parser.errorText());
    if (parser.isSet(QStringLiteral("help")))
        parser.showHelp(0);
    if (parser.isSet(QStringLiteral("version")))
        parser.showVersion();
    if (!parser.positionalArguments().isEmpty())
        return usageError(Console::tr("unexpected argument \"%1\"; see --help")
                              .arg(parser.positionalArguments().constFirst()));

    options.configPath = parser.value(config);
    options.autostart = !parser.isSet(noAutostart);
    options.language = parser.value(lang);
    if (parser.isSet(port)) {
        bool ok = false;
        const int value = parser.value(port).toInt(&ok);
        if (!ok || value < 0 || value > 65535)
            return usageError(Console::tr("--port needs a number from 0 to 65535, not \"%1\"")
                                  .arg(parser.value(port)));
        options.port = value;
    }
    return std::nullopt;
}

// The translation follows --lang, else the system locale; the .qm files are embedded by
// qt_add_translations under :/i18n. English needs none.
void installTranslations(QApplication &app, const QString &language)
{
    const QLocale locale = language.isEmpty() ? QLocale::system() : QLocale(language);
    if (!language.isEmpty())
        QLocale::setDefault(locale);
    if (locale.language() == QLocale::English || locale.language() == QLocale::C)
        return;
    auto *console = new QTranslator(&app);
    if (console->load(locale, QStringLiteral("warden"), QStringLiteral("_"),
                      QStringLiteral(":/i18n")))
        QCoreApplication::installTranslator(console);
    // Qt's own strings (standard buttons, the About Qt box), when the system has them.
    auto *qt = new QTranslator(&app);
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
}

// The bundled demo's configuration file, created with its database on first start. Creating
// it takes a few seconds, so it runs on a worker thread behind a cancellable progress dialog.
warden::Result<QString> demoConfigPath()
{
    const QString dir =
        QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/demo");
    const QString configPath = dir + QStringLiteral("/warden.json");
    if (QFileInfo::exists(configPath))
        return configPath;
    if (!QDir().mkpath(dir)) {
        return warden::Error(warden::ErrorCode::IoError,
                             Console::tr("Cannot create the folder %1: check its permissions.")
                                 .arg(dir)
                                 .toStdString());
    }

    QProgressDialog dialog(Console::tr("Creating the demo shop database in %1.\nThis takes a few "
                                       "seconds and happens only once.")
                               .arg(QDir::toNativeSeparators(dir)),
                           Console::tr("Cancel"), 0, 100);
    dialog.setWindowTitle(Console::tr("Warden"));
    dialog.setWindowModality(Qt::ApplicationModal);
    dialog.setMinimumDuration(0);
    dialog.setAutoReset(false);
    dialog.setValue(0);

    std::atomic<bool> cancel { false };
    warden::DemoOptions options;
    options.databasePath = dir + QStringLiteral("/shop.db");
    options.overwrite = true; // no config file: whatever is there is an unfinished earlier run
    options.cancel = &cancel;
    options.progress = [&dialog](int percent, std::string_view) {
        QMetaObject::invokeMethod(
            &dialog, [&dialog, percent] { dialog.setValue(percent); }, Qt::QueuedConnection);
    };

    std::optional<warden::Result<warden::DemoSummary>> result;
    QEventLoop loop;
    QThread *worker =
        QThread::create([&] { result.emplace(warden::DemoDataset::create(options)); });
    QObject::connect(worker, &QThread::finished, &loop, &QEventLoop::quit);
    QObject::connect(&dialog, &QProgressDialog::canceled, &loop, [&cancel] { cancel = true; });
    worker->start();
    loop.exec();
    worker->wait();
    delete worker;

    if (cancel)
        return warden::Error(
            warden::ErrorCode::Cancelled,
            Console::tr("Creating the demo database was cancelled.").toStdString());
    if (!result->ok())
        return result->error();
    const QString written = (*result)->configPath;
    return written.isEmpty() ? configPath : written;
}

// tests/bench/run-console-start.sh sets WARDEN_BENCH_FIRST_PAINT: the console then prints the
// wall-clock time of its first paint and its peak memory to stderr and quits. Nothing else
// changes, so the figure is the user's: process start to a window with content.
class FirstPaintReporter : public QObject
{
public:
    using QObject::QObject;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint && !m_reported) {
            m_reported = true;
            // After this paint reaches the screen: the next turn of the event loop.
            QTimer::singleShot(0, qApp, [] {
                timespec now {};
                clock_gettime(CLOCK_REALTIME, &now);
                QFile status(QStringLiteral("/proc/self/status"));
                QByteArray hwm;
                if (status.open(QIODevice::ReadOnly)) {
                    for (const QByteArray &line : status.readAll().split('\n')) {
                        if (line.startsWith("VmHWM:"))
                            hwm = line.mid(6).trimmed();
                    }
                }
                std::fprintf(stderr, "FIRST_PAINT realtime_ns=%lld vmhwm=\"%s\"\n",
                             static_cast<long long>(now.tv_sec) * 1000000000LL + now.tv_nsec,
                             hwm.constData());
                std::fflush(stderr);
                QCoreApplication::quit();
            });
        }
        return QObject::eventFilter(watched, event);
    }

private:
    bool m_reported = false;
};

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("warden"));
    QCoreApplication::setApplicationName(QStringLiteral("warden"));
    QCoreApplication::setApplicationVersion(QStringLiteral(WARDEN_VERSION));
    QGuiApplication::setApplicationDisplayName(QStringLiteral("Warden"));
    QGuiApplication::setDesktopFileName(QStringLiteral("warden"));

    ConsoleOptions options;
    // The language option must be known before any message is shown, so peek at it first.
    {
        const QStringList args = app.arguments();
        const qsizetype i = args.indexOf(QStringLiteral("--lang"));
        QString language = i >= 0 && i + 1 < args.size() ? args.at(i + 1) : QString();
        for (const QString &arg : args) {
            if (arg.startsWith(QStringLiteral("--lang=")))
                language = arg.mid(7);
        }
        installTranslations(app, language.isEmpty() ? warden::MainWindow::savedLanguage() : language);
    }
    if (const auto exitCode = parseCommandLine(app, options))
        return *exitCode;

    QString configPath = options.configPath;
    if (configPath.isEmpty()) {
        auto demo = demoConfigPath();
        if (!demo) {
            if (demo.error().code == warden::ErrorCode::Cancelled)
                return ExitFailure;
            QMessageBox::critical(nullptr, Console::tr("Warden"),
                                  Console::tr("The demo database could not be created.\n\n%1")
                                      .arg(QString::fromStdString(demo.error().message)));
            return ExitFailure;
        }
        configPath = *demo;
    }

    auto config = warden::ServerConfig::load(configPath);
    if (!config) {
        const QString message = Console::tr("The configuration %1 cannot be used:\n\n%2")
                                    .arg(QDir::toNativeSeparators(configPath),
                                         QString::fromStdString(config.error().message));
        std::fputs(qPrintable(message + QLatin1Char('\n')), stderr);
        QMessageBox::critical(nullptr, Console::tr("Warden"), message);
        return ExitUsage;
    }
    if (options.port) {
        config->http.enabled = true;
        config->http.port = *options.port;
    }

    warden::Server server(std::move(*config), warden::Server::Options { .http = true });
    warden::Appearance appearance;
    warden::MainWindow window(&server);
    window.setAppearance(&appearance);
    if (qEnvironmentVariableIsSet("WARDEN_BENCH_FIRST_PAINT"))
        window.installEventFilter(new FirstPaintReporter(&window));
    window.show();
    if (options.autostart)
        server.start();
    return app.exec();
}
