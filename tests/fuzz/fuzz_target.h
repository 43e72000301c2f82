// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What every fuzz harness shares. A harness is one function from bytes to a parse; LAYERCUT_FUZZ_TARGET makes
// it a libFuzzer entry point (tests/fuzz, clang, -DLAYERCUT_FUZZ=ON) or, with LAYERCUT_FUZZ_REPLAY, registers it
// so that tst_fuzz_regressions replays the committed reproducers and corpora through the very same code in CI.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace lc::fuzz {

using Harness = void (*)(const uint8_t *data, size_t size);

/** Every harness linked into this program, by name (replay builds only). */
std::map<std::string, Harness> &harnesses();

struct Registration
{
    Registration(const char *name, Harness harness) { harnesses()[name] = harness; }
};

/** A folder of this process's own for the files a harness writes (under /dev/shm when there is one). */
const std::filesystem::path &scratchFolder();

/** Writes `size` bytes to `name` in the scratch folder (replacing it) and returns its path. */
std::filesystem::path writeScratchFile(const std::string &name, const uint8_t *data, size_t size);

/** A fixture file of the repository (tests/fixtures/..., or under $LAYERCUT_FIXTURES_DIR when set). */
std::filesystem::path fixture(const std::string &relative);

/**
 * Runs `parse`, which reads the file `file` written from `input`. Its lc::Error is the expected outcome of bad
 * input, as long as the message is one a user can act on: it must name the file and must not be raw
 * standard-library or nlohmann::json text (unless that text is in `input`, which errors may quote). Anything
 * else (another exception, a message that fails those checks) aborts, which libFuzzer and the replay test
 * report as a finding.
 */
void expectCleanFailure(const std::string &file, std::string_view input, const std::function<void()> &parse);

/** The harness's input as text. */
inline std::string_view asText(const uint8_t *data, size_t size)
{
    return {reinterpret_cast<const char *>(data), size};
}

/** What a replay build throws for a finding (not a std::exception, so that no harness catches it). */
struct Finding
{
    std::string what;
};

/** Reports `what` as a finding: aborts under libFuzzer, throws Finding in a replay build. */
[[noreturn]] void finding(std::string_view what);

}  // namespace lc::fuzz

#ifdef LAYERCUT_FUZZ_REPLAY
#define LAYERCUT_FUZZ_TARGET(name, harness)                                                                            \
    static const lc::fuzz::Registration layercutFuzzRegistration_##name(#name, harness);
#else
#define LAYERCUT_FUZZ_TARGET(name, harness)                                                                            \
    extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)                                            \
    {                                                                                                                  \
        harness(data, size);                                                                                           \
        return 0;                                                                                                      \
    }
#endif
