#pragma once

#include <QByteArray>
#include <QTest>

// Json has a templated conversion operator that confuses QCOMPARE's overloads: compare dumps.
#define JCOMPARE(actual, expected)                                                                 \
    QCOMPARE(QByteArray::fromStdString(Json(actual).dump()),                                       \
             QByteArray::fromStdString(Json(expected).dump()))
