// SPDX-License-Identifier: GPL-3.0-or-later
// layercut: the desktop app. Usage: layercut [MODEL_DIR]
#include <QApplication>
#include <QCommandLineParser>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QTimer>
#include <QTranslator>

#include "main_window.h"

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("LayerCut"));
    QApplication::setApplicationName(QStringLiteral("layercut"));
    QApplication::setApplicationDisplayName(QStringLiteral("LayerCut"));
    QApplication::setApplicationVersion(QStringLiteral(LAYERCUT_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("layercut"));
    QSettings::setDefaultFormat(QSettings::IniFormat);

    // Qt's own strings and ours, in the system language (LANGUAGE / LANG decide).
    QTranslator qtTranslator, appTranslator;
    if (qtTranslator.load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                          QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(&qtTranslator);
    if (appTranslator.load(QLocale(), QStringLiteral("layercut"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QApplication::installTranslator(&appTranslator);

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Explore layer pruning of large language models."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("model"), QApplication::translate("main", "Model folder to open."),
                                 QStringLiteral("[MODEL_DIR]"));
    parser.process(app);

    MainWindow window;
    window.show();
    if (!parser.positionalArguments().isEmpty()) {
        const QString folder = parser.positionalArguments().constFirst();
        QTimer::singleShot(0, &window, [&window, folder] { window.openModel(folder); });
    }
    return QApplication::exec();
}
