#pragma once

#include <QFile>
#include <QString>

#include <map>
#include <string>

namespace warden::test {

// Where tests/scripts/pg-fixture.sh writes the throwaway cluster's details (ctest fixture
// "postgres").
inline QString pgEnvPath()
{
    return qEnvironmentVariable("WARDEN_TEST_TMP") + QStringLiteral("/pg.env");
}

// Its KEY=VALUE lines; empty when the fixture did not run (the caller fails, or skips when
// WARDEN_ALLOW_SKIP_PG is set).
inline std::map<std::string, std::string> readPgEnv()
{
    std::map<std::string, std::string> env;
    QFile f(pgEnvPath());
    if (!f.open(QIODevice::ReadOnly))
        return env;
    while (!f.atEnd()) {
        const QByteArray line = f.readLine().trimmed();
        const auto eq = line.indexOf('=');
        if (eq > 0)
            env[line.left(eq).toStdString()] = line.mid(eq + 1).toStdString();
    }
    return env;
}

} // namespace warden::test
