// SPDX-License-Identifier: GPL-3.0-or-later
// layercut-cli: JSON on stdout, progress on stderr, and on error a one-line message and exit code 1 (2 for
// options that do not parse).
#include <cstdio>
#include <exception>
#include <set>
#include <string>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "layercut/error.h"

namespace {

/**
 * Counts and sizes that mean nothing below zero (or at zero) are refused where they are parsed, whichever
 * command has them: a negative --samples read as "all" and a zero --loss-length divided by zero.
 */
void requireCountsInRange(CLI::App &app)
{
    static const std::set<std::string> kNonNegative = {"samples",    "loss-samples",     "limit",
                                                       "shots",      "boolq-shots",      "gsm8k-shots",
                                                       "eval-every", "checkpoint-every", "max-length"};
    static const std::set<std::string> kPositive = {"batch", "batch-tokens",   "loss-length",
                                                    "steps", "micro-batch",    "seq-len",
                                                    "rank",  "max-new-tokens", "generation-batch"};
    for (CLI::App *command : app.get_subcommands({}))
        for (CLI::Option *option : command->get_options()) {
            for (std::string name : option->get_lnames()) {
                if (name.rfind("heal-", 0) == 0)  // sweep's healing options: --heal-batch, --heal-steps...
                    name.erase(0, 5);
                if (kNonNegative.count(name))
                    option->check(CLI::NonNegativeNumber);
                else if (kPositive.count(name))
                    option->check(CLI::PositiveNumber);
            }
        }
}

}  // namespace

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
    lc::cli::addExpandCommand(app, action);
    lc::cli::addHealCommand(app, action);
    lc::cli::addEvalCommand(app, action);
    lc::cli::addGenerateCommand(app, action);
    lc::cli::addSweepCommand(app, action);
    requireCountsInRange(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::Success &e) {  // --help, --version
        return app.exit(e);
    } catch (const CLI::ParseError &e) {
        // A usage error: one line, as every other error, and exit code 2 (CLI11's own codes are 100 and up).
        std::fprintf(stderr, "layercut-cli: error: %s (see --help)\n", e.what());
        return 2;
    }
    try {
        action();
        return 0;
    } catch (const lc::Cancelled &) {
        std::fprintf(stderr, "layercut-cli: cancelled\n");
        return 130;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "layercut-cli: error: %s\n", lc::userMessage(e).c_str());
        return 1;
    }
}
