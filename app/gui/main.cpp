// SPDX-License-Identifier: GPL-3.0-or-later
// layercut: the desktop app. Usage: layercut [--demo] [MODEL_DIR | PROJECT.layercut]
#include <QApplication>
#include <QCommandLineParser>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QTimer>
#include <QTranslator>

#include "jobs/session.h"
#include "main_window.h"
#include "project/project_controller.h"
#include "settings/app_settings.h"

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("LayerCut"));
    QApplication::setApplicationName(QStringLiteral("layercut"));
    QApplication::setApplicationDisplayName(QStringLiteral("LayerCut"));
    QApplication::setApplicationVersion(QStringLiteral(LAYERCUT_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("io.github.layercut.layercut"));
    QSettings::setDefaultFormat(QSettings::IniFormat);

    // Qt's own strings and ours, in the language chosen in Preferences, else the system's (LANGUAGE /
    // LANG decide). Read once here, which is why a change takes effect at the next start.
    const QString language = settings::language.value();
    const QLocale locale = language.isEmpty() ? QLocale() : QLocale(language);
    if (!language.isEmpty())
        QLocale::setDefault(locale);  // numbers and dates follow the chosen language too
    QTranslator qtTranslator, appTranslator;
    if (qtTranslator.load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                          QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(&qtTranslator);
    if (appTranslator.load(locale, QStringLiteral("layercut"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QApplication::installTranslator(&appTranslator);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "Explore layer pruning of large language models."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption demo(QStringLiteral("demo"),
                                  QApplication::translate("main", "Open the bundled demo model and data."));
    parser.addOption(demo);
    parser.addPositionalArgument(QStringLiteral("path"),
                                 QApplication::translate("main", "Model folder or LayerCut project to open."),
                                 QStringLiteral("[MODEL_DIR | PROJECT.layercut]"));
    parser.process(app);

    // The composition root: the session owns the state and the compute thread; the window shows it; the
    // project controller saves and restores it. Destroyed in reverse: the window before the session.
    lc::Session session;
    MainWindow window(&session);
    ProjectController project(&session, &window);
    window.attachProject(&project);
    window.show();
    const QString argument = parser.positionalArguments().value(0);
    const bool openDemo = parser.isSet(demo);
    // Once the event loop runs, so the window is on screen while the model loads.
    QTimer::singleShot(0, &window, [&project, argument, openDemo] { project.openAtStartup(argument, openDemo); });
    return QApplication::exec();
}
