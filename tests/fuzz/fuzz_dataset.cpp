// SPDX-License-Identifier: GPL-3.0-or-later
// Data files: plain text, JSON Lines, gzip (both as given and as a valid stream around the fuzzed text), and the
// trained-documents list of a healed model; then tokenised as an analysis would.
#include <zlib.h>

#include "fuzz_target.h"
#include "layercut/document_ids.h"
#include "layercut/text_dataset.h"
#include "layercut/tokenizer.h"

namespace {

/** `text` as one gzip member (zlib's gzip wrapper: windowBits 15 + 16). */
std::string gzipped(const uint8_t *data, size_t size)
{
    z_stream z{};
    if (deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        lc::fuzz::finding("deflateInit2 failed");
    std::string out(deflateBound(&z, size), '\0');
    z.next_in = const_cast<Bytef *>(data);
    z.avail_in = static_cast<uInt>(size);
    z.next_out = reinterpret_cast<Bytef *>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    if (deflate(&z, Z_FINISH) != Z_STREAM_END)
        lc::fuzz::finding("deflate failed");
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

void parseDataset(const uint8_t *data, size_t size)
{
    if (size == 0)
        return;
    // The first byte picks the format, the rest is the file.
    const uint8_t format = data[0] % 6;
    ++data;
    --size;
    static const char *const kNames[] = {"data.txt",      "data.jsonl",   "data.json",
                                         "data.jsonl.gz", "data.json.gz", "trained_documents.txt"};
    const std::string name = kNames[format];
    std::filesystem::path path;
    if (format == 3) {
        const std::string packed = gzipped(data, size);
        path = lc::fuzz::writeScratchFile(name, reinterpret_cast<const uint8_t *>(packed.data()), packed.size());
    } else {
        path = lc::fuzz::writeScratchFile(name, data, size);
    }
    static const auto tokenizer = lc::loadTokenizer(lc::fuzz::fixture("tokenizers/qwen2_bpe/tokenizer.json"));
    lc::fuzz::expectCleanFailure(name, lc::fuzz::asText(data, size), [&] {
        if (format == 5) {
            const lc::DocumentIds ids = lc::DocumentIds::load(path);
            (void)ids.toText();
            return;
        }
        lc::DatasetOptions options;
        options.maxLength = 64;
        options.samples = 8;
        (void)lc::readTokenized(path, tokenizer.get(), options);
    });
}

}  // namespace

LAYERCUT_FUZZ_TARGET(dataset, parseDataset)
