// SPDX-License-Identifier: GPL-3.0-or-later
// MMLU's original release: data/test/SUBJECT_test.csv (fuzzed) beside a real dev file, read as evaluation
// reads the folder; then every prompt built.
#include "benchmark_prompts.h"
#include "fuzz_target.h"

namespace {

const std::filesystem::path &mmluFolder()
{
    static const std::filesystem::path folder = [] {
        const auto dir = lc::fuzz::scratchFolder() / "mmlu";
        std::filesystem::create_directories(dir / "data" / "dev");
        std::filesystem::create_symlink(lc::fuzz::fixture("data/mmlu/data/dev/anatomy_dev.csv"),
                                        dir / "data" / "dev" / "anatomy_dev.csv");
        return dir;
    }();
    return folder;
}

void parseMmluCsv(const uint8_t *data, size_t size)
{
    if (size == 0)
        return;
    const size_t shots = data[0] % 3;  // the first byte: few-shot examples asked for (the dev file has 2)
    const auto folder = mmluFolder();
    lc::fuzz::writeScratchFile("mmlu/data/test/anatomy_test.csv", data + 1, size - 1);
    lc::fuzz::expectCleanFailure("anatomy_test.csv", lc::fuzz::asText(data, size), [&] {
        const lc::MmluData mmlu = lc::readMmlu(folder, static_cast<int64_t>(shots));
        lc::fuzz::buildMmluPrompts(mmlu, shots);
    });
}

}  // namespace

LAYERCUT_FUZZ_TARGET(mmlu_csv, parseMmluCsv)
