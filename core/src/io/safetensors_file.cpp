// SPDX-License-Identifier: GPL-3.0-or-later
// Reading and writing the safetensors format: an 8-byte little-endian header length N, N bytes of JSON,
// then the tensors' bytes. Reading maps the file read-only and validates it as strictly as the reference
// implementation, so that a file we accept is one `safetensors` accepts too.
#include "layercut/safetensors_file.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <numeric>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "layercut/error.h"
#include "layercut/json_file.h"
#include "layercut/regular_file.h"
#include "layercut/staged_output.h"

namespace lc {
namespace {

// The reference implementation's MAX_HEADER_SIZE.
constexpr uint64_t kMaxHeaderSize = 100'000'000;

std::string quoted(const std::filesystem::path &p)
{
    return "'" + p.string() + "'";
}

[[noreturn]] void fail(const std::filesystem::path &path, const std::string &what)
{
    throw Error(quoted(path) + ": " + what);
}

[[noreturn]] void failTensor(const std::filesystem::path &path, const std::string &tensor, const std::string &what)
{
    throw Error(quoted(path) + ": tensor '" + tensor + "': " + what);
}

}  // namespace

size_t safetensorsElementSize(const std::string &dtype)
{
    static const std::map<std::string, size_t> sizes = {
        {"BOOL", 1},        {"U8", 1},  {"I8", 1},  {"F8_E5M2", 1}, {"F8_E4M3", 1}, {"F8_E8M0", 1}, {"F8_E4M3FNUZ", 1},
        {"F8_E5M2FNUZ", 1}, {"I16", 2}, {"U16", 2}, {"F16", 2},     {"BF16", 2},    {"I32", 4},     {"U32", 4},
        {"F32", 4},         {"F64", 8}, {"I64", 8}, {"U64", 8},     {"C64", 8},
    };
    const auto it = sizes.find(dtype);
    return it == sizes.end() ? 0 : it->second;
}

int64_t TensorEntry::numel() const
{
    return std::accumulate(shape.begin(), shape.end(), int64_t{1}, std::multiplies<>());
}

SafetensorsFile::SafetensorsFile(const std::filesystem::path &path) : m_path(path)
{
    refuseIrregularFile(path);  // a named pipe would block the open below forever
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        fail(path, std::string("cannot open: ") + std::strerror(errno));
    struct stat st
    {};
    if (::fstat(fd, &st) != 0) {
        ::close(fd);
        fail(path, "cannot stat");
    }
    m_size = static_cast<uint64_t>(st.st_size);
    if (m_size < 8) {
        ::close(fd);
        fail(path, "truncated: " + std::to_string(m_size) + " bytes, less than the 8-byte header length");
    }
    m_map = ::mmap(nullptr, m_size, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (m_map == MAP_FAILED) {
        m_map = nullptr;
        fail(path, "cannot memory-map the file");
    }
    try {
        const auto *bytes = static_cast<const unsigned char *>(m_map);
        uint64_t headerLen = 0;
        for (int i = 7; i >= 0; --i)
            headerLen = (headerLen << 8) | bytes[i];
        if (headerLen > kMaxHeaderSize)
            fail(path, "header length " + std::to_string(headerLen) + " exceeds the format's limit of 100000000 bytes");
        if (8 + headerLen > m_size)
            fail(path, "truncated: header length " + std::to_string(headerLen) + " runs past the end of the " +
                           std::to_string(m_size) + "-byte file");
        const char *headerBegin = reinterpret_cast<const char *>(bytes + 8);
        if (headerLen == 0 || headerBegin[0] != '{')
            fail(path, "header is not a JSON object");
        nlohmann::json header;
        try {
            header = nlohmann::json::parse(headerBegin, headerBegin + headerLen);
        } catch (const nlohmann::json::exception &e) {
            fail(path, "header is not valid JSON (" + jsonErrorText(e) + ")");
        }
        if (!header.is_object())
            fail(path, "header is not a JSON object");

        const uint64_t bufferLen = m_size - 8 - headerLen;
        const std::byte *buffer = reinterpret_cast<const std::byte *>(bytes + 8 + headerLen);
        for (auto it = header.begin(); it != header.end(); ++it) {
            const std::string &name = it.key();
            const auto &entry = it.value();
            if (name == "__metadata__") {
                if (!entry.is_object())
                    fail(path, "__metadata__ is not a string-to-string map");
                for (auto m = entry.begin(); m != entry.end(); ++m) {
                    if (!m.value().is_string())
                        fail(path, "__metadata__ value '" + m.key() + "' is not a string");
                    m_metadata[m.key()] = m.value().get<std::string>();
                }
                continue;
            }
            if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") ||
                !entry.contains("data_offsets"))
                failTensor(path, name, "entry needs dtype, shape and data_offsets");
            TensorEntry t;
            t.name = name;
            if (!entry["dtype"].is_string())
                failTensor(path, name, "dtype is not a string");
            t.dtype = entry["dtype"].get<std::string>();
            const size_t elemSize = safetensorsElementSize(t.dtype);
            if (elemSize == 0)
                failTensor(path, name, "unsupported dtype '" + t.dtype + "'");
            if (!entry["shape"].is_array())
                failTensor(path, name, "shape is not a list");
            for (const auto &d : entry["shape"]) {
                if (!d.is_number_unsigned())
                    failTensor(path, name, "shape holds a value that is not a non-negative integer");
                if (d.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))  // would read as negative
                    failTensor(path, name, "shape dimension " + std::to_string(d.get<uint64_t>()) + " is too large");
                t.shape.push_back(d.get<int64_t>());
            }
            const auto &offsets = entry["data_offsets"];
            if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
                !offsets[1].is_number_unsigned())
                failTensor(path, name, "data_offsets is not a pair of non-negative integers");
            t.begin = offsets[0].get<uint64_t>();
            t.end = offsets[1].get<uint64_t>();
            if (t.end < t.begin)
                failTensor(path, name, "data_offsets end before they begin");
            if (t.end > bufferLen)
                failTensor(path, name,
                           "data_offsets [" + std::to_string(t.begin) + ", " + std::to_string(t.end) +
                               ") run past the end of the file's " + std::to_string(bufferLen) +
                               "-byte data section (truncated file?)");
            // numel × element size, refusing shapes whose size overflows 64 bits.
            uint64_t expected = elemSize;
            for (const int64_t d : t.shape)
                if (__builtin_mul_overflow(expected, static_cast<uint64_t>(d), &expected))
                    failTensor(path, name, "shape is too large");
            if (expected != t.byteSize())
                failTensor(path, name,
                           "shape × dtype size is " + std::to_string(expected) + " bytes but data_offsets span " +
                               std::to_string(t.byteSize()));
            t.data = buffer + t.begin;
            m_tensors.push_back(std::move(t));
        }
        // Sorted by offset, the tensors must tile the data section with no overlap and no gap.
        std::vector<size_t> order(m_tensors.size());
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
            return std::tie(m_tensors[a].begin, m_tensors[a].end) < std::tie(m_tensors[b].begin, m_tensors[b].end);
        });
        uint64_t cursor = 0;
        for (const size_t i : order) {
            const TensorEntry &t = m_tensors[i];
            if (t.begin < cursor)
                failTensor(path, t.name, "data overlaps the previous tensor's");
            if (t.begin > cursor)
                failTensor(path, t.name, "a gap of " + std::to_string(t.begin - cursor) + " bytes precedes its data");
            cursor = t.end;
        }
        if (cursor != bufferLen)
            fail(path, std::to_string(bufferLen - cursor) + " trailing bytes after the last tensor");
        for (size_t i = 0; i < m_tensors.size(); ++i)
            m_index[m_tensors[i].name] = i;
    } catch (...) {
        ::munmap(m_map, m_size);
        m_map = nullptr;
        throw;
    }
}

SafetensorsFile::~SafetensorsFile()
{
    if (m_map)
        ::munmap(m_map, m_size);
}

const TensorEntry *SafetensorsFile::find(const std::string &name) const
{
    const auto it = m_index.find(name);
    return it == m_index.end() ? nullptr : &m_tensors[it->second];
}

void writeSafetensors(const std::filesystem::path &path, const std::vector<TensorToWrite> &tensors,
                      const std::map<std::string, std::string> &metadata,
                      const std::function<void(const TensorToWrite &)> &afterEachTensor)
{
    // Reference layout: larger alignment first, then by name, so every tensor is naturally aligned.
    std::vector<const TensorToWrite *> order;
    for (const auto &t : tensors)
        order.push_back(&t);
    std::sort(order.begin(), order.end(), [](const TensorToWrite *a, const TensorToWrite *b) {
        const size_t sa = safetensorsElementSize(a->dtype), sb = safetensorsElementSize(b->dtype);
        return sa != sb ? sa > sb : a->name < b->name;
    });
    nlohmann::ordered_json header;
    nlohmann::ordered_json meta = {{"format", "pt"}};
    for (const auto &[k, v] : metadata)
        meta[k] = v;
    header["__metadata__"] = meta;
    uint64_t offset = 0;
    for (const TensorToWrite *t : order) {
        const size_t elemSize = safetensorsElementSize(t->dtype);
        if (elemSize == 0)
            throw Error("'" + path.string() + "': cannot write tensor '" + t->name + "' of dtype '" + t->dtype + "'");
        uint64_t expected = elemSize;
        for (const int64_t d : t->shape)
            expected *= static_cast<uint64_t>(d);
        if (expected != t->byteSize)
            throw Error("'" + path.string() + "': tensor '" + t->name + "' has " + std::to_string(t->byteSize) +
                        " bytes, its shape needs " + std::to_string(expected));
        header[t->name] = {{"dtype", t->dtype}, {"shape", t->shape}, {"data_offsets", {offset, offset + t->byteSize}}};
        offset += t->byteSize;
    }
    std::string json = header.dump();
    json.append((8 - json.size() % 8) % 8, ' ');

    // Beside the target, then renamed over it: a reader (or a kill) never sees half a file.
    StagedOutput out(path, StagedOutput::Kind::File);
    unsigned char len[8];
    uint64_t n = json.size();
    for (int i = 0; i < 8; ++i, n >>= 8)
        len[i] = static_cast<unsigned char>(n & 0xff);
    out.write(len, 8);
    out.write(json);
    for (const TensorToWrite *t : order) {
        out.write(t->data, t->byteSize);
        if (afterEachTensor)
            afterEachTensor(*t);
    }
    out.commit();
}

}  // namespace lc
