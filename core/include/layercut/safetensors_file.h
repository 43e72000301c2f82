// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace lc {

/** One tensor of a safetensors file: its header entry and a view of its bytes in the mapping. */
struct TensorEntry
{
    std::string name;
    std::string dtype;  // safetensors dtype string: "F32", "BF16", "I64", ...
    std::vector<int64_t> shape;
    uint64_t begin = 0;  // offsets relative to the byte buffer, end exclusive
    uint64_t end = 0;
    const std::byte *data = nullptr;  // points into the read-only memory map; valid while the file lives

    int64_t numel() const;
    uint64_t byteSize() const { return end - begin; }
};

/** Size in bytes of one element of a safetensors dtype, or 0 if the dtype is unknown or sub-byte. */
size_t safetensorsElementSize(const std::string &dtype);

/**
 * A memory-mapped, fully validated safetensors file.
 * The constructor checks everything the format requires (header length within bounds and the file,
 * valid JSON, known dtypes, offsets inside the buffer, no overlap or gap, shape × dtype size equal to
 * the byte length) and throws lc::Error naming the file and, where there is one, the tensor.
 */
class SafetensorsFile
{
public:
    explicit SafetensorsFile(const std::filesystem::path &path);
    ~SafetensorsFile();
    SafetensorsFile(const SafetensorsFile &) = delete;
    SafetensorsFile &operator=(const SafetensorsFile &) = delete;

    const std::filesystem::path &path() const { return m_path; }
    const std::vector<TensorEntry> &tensors() const { return m_tensors; }
    /** The entry called `name`, or nullptr. */
    const TensorEntry *find(const std::string &name) const;
    const std::map<std::string, std::string> &metadata() const { return m_metadata; }
    uint64_t fileSize() const { return m_size; }

private:
    std::filesystem::path m_path;
    void *m_map = nullptr;
    uint64_t m_size = 0;
    std::vector<TensorEntry> m_tensors;
    std::map<std::string, size_t> m_index;
    std::map<std::string, std::string> m_metadata;
};

/** A tensor to write: `data` holds `byteSize` little-endian row-major bytes of `dtype` and `shape`. */
struct TensorToWrite
{
    std::string name;
    std::string dtype;
    std::vector<int64_t> shape;
    const void *data = nullptr;
    uint64_t byteSize = 0;
};

/**
 * Writes a safetensors file the way the reference writer lays it out (tensors sorted by alignment then
 * name, header space-padded to 8 bytes, `__metadata__` {"format": "pt"} plus `metadata`).
 * Atomic: writes `path` + ".tmp-*" and renames it over `path`; nothing is left behind on failure.
 * `afterEachTensor` (progress, cancel) runs after each tensor's bytes; if it throws, the file is not written.
 */
void writeSafetensors(const std::filesystem::path &path, const std::vector<TensorToWrite> &tensors,
                      const std::map<std::string, std::string> &metadata = {},
                      const std::function<void(const TensorToWrite &)> &afterEachTensor = {});

}  // namespace lc
