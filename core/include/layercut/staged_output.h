// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace lc {

/**
 * An output file or folder written under a temporary name beside its target and put in place in one step, so
 * that a `kill -9` at any moment leaves either the previous target or the new one, never a half-written one,
 * and never neither.
 *
 * Beside target NAME it uses:
 * - `.NAME.layercut-lock`: held with flock() while a process writes NAME. The kernel drops the lock when the
 *   process dies, so a free lock with temporaries beside it means a killed writer;
 * - `.NAME.layercut-tmp-<16 hex>`: what is being written; after a folder replace, the previous target until it
 *   is deleted;
 * - `.NAME.layercut-old-<16 hex>`: only on file systems without renameat2(RENAME_EXCHANGE), the previous
 *   folder between the two renames of a replace.
 * The next writer of any output in the same folder removes what killed writers left there, and moves an
 * interrupted replace's previous folder back when the target is missing.
 */
class StagedOutput
{
public:
    enum class Kind { File, Folder };

    /**
     * Takes the target's lock (an lc::Error if another process or job is writing it right now), cleans what
     * killed writers left in the target's folder, and creates the temporary: an empty file open for write(),
     * or an empty folder to fill. The target's parent folder must exist.
     */
    StagedOutput(const std::filesystem::path &target, Kind kind);
    /** Without commit(): removes the temporary; the target stays as it was. */
    ~StagedOutput();
    StagedOutput(const StagedOutput &) = delete;
    StagedOutput &operator=(const StagedOutput &) = delete;

    /** Where to write: the temporary file or folder. */
    const std::filesystem::path &path() const { return m_temporary; }
    const std::filesystem::path &target() const { return m_target; }

    /** Appends to the temporary file (Kind::File). A full disk or any other failure is an lc::Error naming the target. */
    void write(const void *data, size_t size);
    void write(std::string_view text) { write(text.data(), text.size()); }

    /** Flushes a file to disk and puts the temporary in the target's place, replacing an existing target. */
    void commit();

    /** `message` with the temporary's path replaced by the target's, for errors raised while filling a folder. */
    std::string inTargetTerms(std::string message) const;

private:
    std::filesystem::path m_target, m_temporary;
    Kind m_kind;
    int m_lockFd = -1;
    int m_fileFd = -1;
    bool m_committed = false;
};

/**
 * Cleans what killed writers left in `folder` (see StagedOutput): temporaries of targets whose lock no live
 * process holds, and their locks; a target missing after an interrupted two-rename replace gets its previous
 * folder back. Returns the paths removed or restored. Never touches an output some process is writing.
 */
std::vector<std::filesystem::path> cleanStaleOutputs(const std::filesystem::path &folder);

}  // namespace lc
