// SPDX-License-Identifier: GPL-3.0-or-later
// Finds and loads the sentencepiece plugin, then wraps its C interface.
#include "tokenizer/sentencepiece_tokenizer.h"

#include <cstdlib>
#include <dlfcn.h>
#include <mutex>
#include <vector>

#include "../../plugins/sentencepiece/spm_plugin_api.h"
#include "layercut/error.h"
#include "layercut/regular_file.h"

#ifndef LAYERCUT_PLUGIN_INSTALL_DIR
#define LAYERCUT_PLUGIN_INSTALL_DIR ""
#endif

namespace lc {
namespace {

constexpr const char *kPluginName = "liblayercut_spm.so";

struct PluginApi
{
    decltype(&lc_spm_abi_version) abiVersion = nullptr;
    decltype(&lc_spm_open) open = nullptr;
    decltype(&lc_spm_close) close = nullptr;
    decltype(&lc_spm_encode) encode = nullptr;
    decltype(&lc_spm_decode) decode = nullptr;
    decltype(&lc_spm_vocab_size) vocabSize = nullptr;
    decltype(&lc_spm_bos_id) bosId = nullptr;
    decltype(&lc_spm_eos_id) eosId = nullptr;
    decltype(&lc_spm_piece_to_id) pieceToId = nullptr;
};

/** Where the plugin may be: $LAYERCUT_PLUGIN_DIR, beside the executable, ../lib/layercut, the install dir. */
std::vector<std::filesystem::path> pluginCandidates()
{
    std::vector<std::filesystem::path> dirs;
    if (const char *env = std::getenv("LAYERCUT_PLUGIN_DIR"))
        dirs.emplace_back(env);
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        dirs.push_back(exe.parent_path());
        dirs.push_back(exe.parent_path().parent_path() / "lib" / "layercut");
    }
    if (*LAYERCUT_PLUGIN_INSTALL_DIR)
        dirs.emplace_back(LAYERCUT_PLUGIN_INSTALL_DIR);
    std::vector<std::filesystem::path> files;
    for (const auto &d : dirs)
        files.push_back(d / kPluginName);
    return files;
}

// DEEPBIND: the plugin's sentencepiece resolves to its own protobuf, not libtorch's. AddressSanitizer
// refuses DEEPBIND (it would bypass its malloc); the sanitized fuzz builds have no libtorch to clash with.
#if defined(__SANITIZE_ADDRESS__)
constexpr int kDeepBind = 0;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr int kDeepBind = 0;
#else
constexpr int kDeepBind = RTLD_DEEPBIND;
#endif
#else
constexpr int kDeepBind = RTLD_DEEPBIND;
#endif

const PluginApi &plugin()
{
    static std::once_flag once;
    static PluginApi api;
    static std::string error;
    std::call_once(once, [] {
        void *lib = nullptr;
        std::string tried;
        for (const auto &candidate : pluginCandidates()) {
            if (!std::filesystem::exists(candidate)) {
                tried += " " + candidate.string();
                continue;
            }
            lib = ::dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL | kDeepBind);
            if (lib)
                break;
            tried += " " + candidate.string() + " (" + ::dlerror() + ")";
        }
        if (!lib) {
            error = std::string("the sentencepiece plugin ") + kPluginName + " was not found; tried:" + tried;
            return;
        }
        auto sym = [&](const char *name) { return ::dlsym(lib, name); };
        api.abiVersion = reinterpret_cast<decltype(api.abiVersion)>(sym("lc_spm_abi_version"));
        api.open = reinterpret_cast<decltype(api.open)>(sym("lc_spm_open"));
        api.close = reinterpret_cast<decltype(api.close)>(sym("lc_spm_close"));
        api.encode = reinterpret_cast<decltype(api.encode)>(sym("lc_spm_encode"));
        api.decode = reinterpret_cast<decltype(api.decode)>(sym("lc_spm_decode"));
        api.vocabSize = reinterpret_cast<decltype(api.vocabSize)>(sym("lc_spm_vocab_size"));
        api.bosId = reinterpret_cast<decltype(api.bosId)>(sym("lc_spm_bos_id"));
        api.eosId = reinterpret_cast<decltype(api.eosId)>(sym("lc_spm_eos_id"));
        api.pieceToId = reinterpret_cast<decltype(api.pieceToId)>(sym("lc_spm_piece_to_id"));
        if (!api.abiVersion || api.abiVersion() != LC_SPM_ABI_VERSION || !api.open || !api.encode) {
            error = std::string("the sentencepiece plugin ") + kPluginName + " has the wrong interface version";
            api = {};
        }
    });
    if (!api.open)
        throw Error(error);
    return api;
}

}  // namespace

SentencePieceTokenizer::SentencePieceTokenizer(const std::filesystem::path &model, const SpecialTokenRules &rules,
                                               std::string note)
    : m_path(model), m_note(std::move(note))
{
    refuseIrregularFile(model);  // the plugin's open would wait on a named pipe forever
    const PluginApi &api = plugin();
    char err[512] = {0};
    m_handle = api.open(model.c_str(), err, sizeof err);
    if (!m_handle)
        throw Error("'" + model.string() + "': not a sentencepiece model (" + err + ")");
    auto idOf = [&](const std::optional<std::string> &piece, int fallback) -> std::optional<int32_t> {
        const int id = piece ? api.pieceToId(m_handle, piece->c_str()) : fallback;
        return id >= 0 ? std::optional<int32_t>(id) : std::nullopt;
    };
    m_bos = idOf(rules.bosToken, api.bosId(m_handle));
    m_eos = idOf(rules.eosToken, api.eosId(m_handle));
    m_addBos = rules.addBos.value_or(true);
    m_addEos = rules.addEos.value_or(false);
}

SentencePieceTokenizer::~SentencePieceTokenizer()
{
    if (m_handle)
        plugin().close(m_handle);
}

std::vector<int32_t> SentencePieceTokenizer::encode(std::string_view text, bool addSpecial) const
{
    const PluginApi &api = plugin();
    std::vector<int32_t> ids(text.size() + 16);
    char err[512] = {0};
    long n = api.encode(m_handle, text.data(), text.size(), ids.data(), ids.size(), err, sizeof err);
    if (n > static_cast<long>(ids.size())) {
        ids.resize(static_cast<size_t>(n));
        n = api.encode(m_handle, text.data(), text.size(), ids.data(), ids.size(), err, sizeof err);
    }
    if (n < 0)
        throw Error("'" + m_path.string() + "': encoding failed (" + err + ")");
    ids.resize(static_cast<size_t>(n));
    if (addSpecial && m_addBos && m_bos)
        ids.insert(ids.begin(), *m_bos);
    if (addSpecial && m_addEos && m_eos)
        ids.push_back(*m_eos);
    return ids;
}

std::string SentencePieceTokenizer::decode(const std::vector<int32_t> &ids) const
{
    const PluginApi &api = plugin();
    const long n = api.decode(m_handle, ids.data(), ids.size(), nullptr, 0);
    if (n < 0)
        throw Error("'" + m_path.string() + "': decoding failed");
    std::string text(static_cast<size_t>(n) + 1, '\0');
    api.decode(m_handle, ids.data(), ids.size(), text.data(), text.size());
    text.resize(static_cast<size_t>(n));
    return text;
}

int64_t SentencePieceTokenizer::vocabSize() const
{
    return plugin().vocabSize(m_handle);
}

}  // namespace lc
