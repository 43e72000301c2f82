// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>

class QComboBox;

/**
 * The app's preferences: the interface language (applied at the next start, when main() installs the
 * translators) and the device models open on by default. Accepting stores them in the settings.
 */
class PreferencesDialog final : public QDialog
{
    Q_OBJECT

public:
    explicit PreferencesDialog(QWidget *parent = nullptr);

    /** The language code chosen: empty for the system's, "en" or "zh_CN". */
    QString language() const;
    void setLanguage(const QString &code);
    /** "cpu" or "cuda". */
    QString device() const;

    void accept() override;

private:
    QComboBox *m_language = nullptr;
    QComboBox *m_device = nullptr;
};
