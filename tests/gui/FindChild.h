#pragma once

#include <QString>
#include <QWidget>

namespace warden::test {

// The child widget `name` of `parent`; a missing one ends the test run (a broken fixture).
template<typename T>
T *findChild(QWidget &parent, const char *name)
{
    auto *w = parent.findChild<T *>(QString::fromLatin1(name));
    if (!w)
        qFatal("no child widget %s", name);
    return w;
}

} // namespace warden::test
