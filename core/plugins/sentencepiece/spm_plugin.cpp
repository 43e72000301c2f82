// SPDX-License-Identifier: GPL-3.0-or-later
// liblayercut_spm.so: libsentencepiece behind a C interface (see spm_plugin_api.h for why).
#include "spm_plugin_api.h"

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <sentencepiece_processor.h>

struct lc_spm
{
    sentencepiece::SentencePieceProcessor processor;
};

namespace {
void writeError(char *err, size_t size, const std::string &message)
{
    if (err && size > 0) {
        std::strncpy(err, message.c_str(), size - 1);
        err[size - 1] = '\0';
    }
}
}  // namespace

extern "C" {

int lc_spm_abi_version(void)
{
    return LC_SPM_ABI_VERSION;
}

lc_spm *lc_spm_open(const char *path, char *err, size_t errSize)
{
    try {
        // Owned until returned: Load() may also throw (found by fuzzing: a leak per malformed file).
        auto h = std::make_unique<lc_spm>();
        const auto status = h->processor.Load(path);
        if (!status.ok()) {
            writeError(err, errSize, status.ToString());
            return nullptr;
        }
        return h.release();
    } catch (const std::exception &e) {
        writeError(err, errSize, e.what());
        return nullptr;
    }
}

void lc_spm_close(lc_spm *h)
{
    delete h;
}

long lc_spm_encode(const lc_spm *h, const char *text, size_t len, int32_t *ids, size_t capacity, char *err,
                   size_t errSize)
{
    try {
        std::vector<int> out;
        const auto status = h->processor.Encode(std::string_view(text, len), &out);
        if (!status.ok()) {
            writeError(err, errSize, status.ToString());
            return -1;
        }
        for (size_t i = 0; i < out.size() && i < capacity; ++i)
            ids[i] = out[i];
        return static_cast<long>(out.size());
    } catch (const std::exception &e) {
        writeError(err, errSize, e.what());
        return -1;
    }
}

long lc_spm_decode(const lc_spm *h, const int32_t *ids, size_t n, char *out, size_t capacity)
{
    try {
        std::string text;
        const std::vector<int> v(ids, ids + n);
        if (!h->processor.Decode(v, &text).ok())
            return -1;
        if (capacity > 0) {
            const size_t copy = std::min(capacity - 1, text.size());
            std::memcpy(out, text.data(), copy);
            out[copy] = '\0';
        }
        return static_cast<long>(text.size());
    } catch (...) {
        return -1;
    }
}

int lc_spm_vocab_size(const lc_spm *h)
{
    return h->processor.GetPieceSize();
}
int lc_spm_bos_id(const lc_spm *h)
{
    return h->processor.bos_id();
}
int lc_spm_eos_id(const lc_spm *h)
{
    return h->processor.eos_id();
}

int lc_spm_piece_to_id(const lc_spm *h, const char *piece)
{
    const int id = h->processor.PieceToId(piece);
    // PieceToId answers unk for unknown pieces; tell those apart from the real unk piece.
    return (id == h->processor.unk_id() && h->processor.IdToPiece(id) != piece) ? -1 : id;
}

}  // extern "C"
