// SPDX-License-Identifier: GPL-3.0-or-later
// The application as app/gui/main.cpp composes it, for the window and project suites.
#pragma once

#include "jobs/session.h"
#include "main_window.h"
#include "project/project_controller.h"

/**
 * A session, the window on it and the project controller around it; the cache folder is the test's own.
 * "Save the changes first?" is answered with `saveAnswer` and counted, instead of a modal dialog.
 */
struct TestApp
{
    explicit TestApp(const QString &distancesCacheDir = QString())
    {
        window.attachProject(&project);
        project.setSavePrompt([this](const QString &) {
            ++savePrompts;
            return saveAnswer;
        });
        if (!distancesCacheDir.isEmpty())
            session.setDistancesCacheDir(distancesCacheDir);
    }

    lc::Session session;
    MainWindow window{&session};
    ProjectController project{&session, &window};  // destroyed first, leaving the window
    int savePrompts = 0;
    ProjectController::SaveAnswer saveAnswer = ProjectController::SaveAnswer::Discard;
};
