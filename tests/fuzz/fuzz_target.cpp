// SPDX-License-Identifier: GPL-3.0-or-later
#include "fuzz_target.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <unistd.h>

#include "layercut/error.h"
#include "layercut/file_tree.h"

namespace lc::fuzz {

std::map<std::string, Harness> &harnesses()
{
    static std::map<std::string, Harness> all;
    return all;
}

namespace {

void removeScratchFolder()
{
    lc::removeTree(scratchFolder());
}

}  // namespace

const std::filesystem::path &scratchFolder()
{
    static const std::filesystem::path folder = [] {
        const std::filesystem::path shm = "/dev/shm";
        const auto base = std::filesystem::is_directory(shm) ? shm : std::filesystem::temp_directory_path();
        auto path = base / ("layercut-fuzz-" + std::to_string(::getpid()));
        lc::removeTree(path);  // left by an earlier process of the same id that crashed (no atexit then)
        std::filesystem::create_directories(path);
        std::atexit(removeScratchFolder);
        return path;
    }();
    return folder;
}

std::filesystem::path writeScratchFile(const std::string &name, const uint8_t *data, size_t size)
{
    const auto path = scratchFolder() / name;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char *>(data), static_cast<std::streamsize>(size));
    if (!out)
        finding("cannot write the scratch file " + path.string());
    return path;
}

std::filesystem::path fixture(const std::string &relative)
{
    // $LAYERCUT_FIXTURES_DIR: harnesses built here and run on another machine, from another checkout.
    const char *moved = std::getenv("LAYERCUT_FIXTURES_DIR");
    return std::filesystem::path(moved && *moved ? moved : LAYERCUT_FIXTURES_DIR) / relative;
}

void finding(std::string_view what)
{
#ifdef LAYERCUT_FUZZ_REPLAY
    throw Finding{std::string(what)};
#endif
    std::fprintf(stderr, "\nFUZZ FINDING: %.*s\n", static_cast<int>(what.size()), what.data());
    std::fflush(stderr);
    std::abort();
}

namespace {

/**
 * `message` with each quoted part ('...' and "...", where errors quote the input, often transformed) replaced
 * by a space, so that the text on either side cannot join into a word neither holds ("std:'…':" is not "std::").
 */
std::string unquoted(std::string_view message)
{
    std::string out;
    for (size_t i = 0; i < message.size(); ++i) {
        const char c = message[i];
        if (c != '\'' && c != '"') {
            out += c;
            continue;
        }
        // Skip to the closing quote; a backslash escapes the next character (JSON quotes in messages).
        size_t close = i + 1;
        while (close < message.size() && message[close] != c)
            close += message[close] == '\\' ? 2 : 1;
        if (close >= message.size())
            break;
        out += ' ';
        i = close;
    }
    return out;
}

}  // namespace

void expectCleanFailure(const std::string &file, std::string_view input, const std::function<void()> &parse)
{
    try {
        parse();
    } catch (const lc::Error &e) {
        const std::string_view message = e.what();
        // Texts only the standard library or nlohmann::json writes, outside the quoted input: a user cannot act
        // on them. (Not the short ones such as "stoi", which the input can spell in the message.)
        static constexpr std::string_view kRaw[] = {"[json.exception", "std::", "vector::", "basic_string",
                                                    "bad_alloc"};
        for (const std::string_view raw : kRaw)
            if (unquoted(message).find(raw) != std::string::npos && input.find(raw) == std::string_view::npos)
                finding("raw library text in an error: " + std::string(message));
        if (message.find(file) == std::string_view::npos)
            finding("an error that does not name '" + file + "': " + std::string(message));
    } catch (const std::exception &e) {
        finding(std::string("an exception that is not lc::Error escaped: ") + e.what());
    }
}

}  // namespace lc::fuzz
