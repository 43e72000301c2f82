// SPDX-License-Identifier: GPL-3.0-or-later
// What the status bar says when a job has ended well or a project was restored with something left out.
#pragma once

#include <QObject>
#include <QString>

namespace lc {
class Session;
}

class JobMessages final : public QObject
{
    Q_OBJECT

public:
    /** Follows `session`'s job ends, exports and restore notices. */
    explicit JobMessages(const lc::Session *session, QObject *parent = nullptr);

signals:
    /** A translated sentence to show for `milliseconds`. */
    void message(const QString &text, int milliseconds);

private:
    const lc::Session *m_session;
};
