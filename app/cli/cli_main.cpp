// SPDX-License-Identifier: GPL-3.0-or-later
// layercut-cli: JSON on stdout, progress on stderr, and on error a one-line message and exit code 1.
#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "layercut/error.h"

int main(int argc, char **argv)
{
    CLI::App app{"LayerCut: explore layer pruning of large language models", "layercut-cli"};
    app.set_version_flag("--version", LAYERCUT_VERSION);
    app.require_subcommand(1);
    lc::cli::Action action;
    lc::cli::addInfoCommand(app, action);
    lc::cli::addTokenizeCommand(app, action);
    lc::cli::addForwardCommand(app, action);
    lc::cli::addDistancesCommand(app, action);
    lc::cli::addPruneCommand(app, action);
    lc::cli::addHealCommand(app, action);
    lc::cli::addEvalCommand(app, action);
    lc::cli::addSweepCommand(app, action);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError &e) {
        return app.exit(e);
    }
    try {
        action();
        return 0;
    } catch (const lc::Cancelled &) {
        std::fprintf(stderr, "layercut-cli: cancelled\n");
        return 130;
    } catch (const std::exception &e) {
        // One line: torch errors may carry a multi-line backtrace after the message.
        std::string message = e.what();
        message = message.substr(0, message.find('\n'));
        std::fprintf(stderr, "layercut-cli: error: %s\n", message.c_str());
        return 1;
    }
}
