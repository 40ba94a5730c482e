#pragma once

#include <QDir>
#include <QString>

namespace warden::test {

// The folder tests put their files in: the build tree's test-tmp under CTest, else /tmp.
inline QString tempRoot()
{
    const QString root = qEnvironmentVariable("WARDEN_TEST_TMP", QDir::tempPath());
    QDir().mkpath(root);
    return root;
}

} // namespace warden::test
