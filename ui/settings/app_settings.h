// SPDX-License-Identifier: GPL-3.0-or-later
// Typed settings: each key is declared once, with its type and default, where the app can see it.
#pragma once

#include <QByteArray>
#include <QSettings>
#include <QString>
#include <QStringList>

template<typename T>
class Setting
{
public:
    constexpr Setting(const char *key, T fallback = T()) : m_key(key), m_fallback(std::move(fallback)) {}

    T value() const { return QSettings().value(m_key, QVariant::fromValue(m_fallback)).template value<T>(); }
    void setValue(const T &v) const { QSettings().setValue(m_key, QVariant::fromValue(v)); }

private:
    const char *m_key;
    T m_fallback;
};

namespace settings {

inline const Setting<QStringList> recentModels{"model/recent"};
inline const Setting<QString> lastModelDir{"model/lastDir"};
inline const Setting<QString> device{"model/device", QStringLiteral("cpu")};
inline const Setting<QString> dtype{"model/dtype"};  // empty: automatic
inline const Setting<QString> analysisData{"analysis/data"};
inline const Setting<int> analysisSamples{"analysis/samples", 200};
inline const Setting<int> analysisMaxLength{"analysis/maxLength", 1024};
inline const Setting<int> analysisBatch{"analysis/batch", 4};
inline const Setting<QByteArray> windowGeometry{"window/geometry"};
inline const Setting<QByteArray> windowState{"window/state"};

constexpr int kMaxRecentModels = 8;

} // namespace settings
