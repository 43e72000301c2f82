// SPDX-License-Identifier: GPL-3.0-or-later
#include "layercut/staged_output.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <random>
#include <stdio.h>  // renameat2 (glibc ≥ 2.28)
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layercut/error.h"
#include "layercut/file_tree.h"

namespace lc {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kLockSuffix = ".layercut-lock";
constexpr std::string_view kTemporaryTag = ".layercut-tmp-";
constexpr std::string_view kOldTag = ".layercut-old-";
constexpr size_t kRandomDigits = 16;

std::string quoted(const fs::path &p)
{
    return "'" + p.string() + "'";
}

/** What a failed write or rename means to a user: errno's text, and for a full disk, what to do. */
std::string reason(int err)
{
    switch (err) {
    case ENOSPC: return "no space left on the device (free some, or write elsewhere)";
    case EDQUOT: return "the disk quota is exhausted (free some, or write elsewhere)";
    case EFBIG: return "the file is larger than this file system or this process may write";
    default: return std::strerror(err);
    }
}

std::string randomDigits()
{
    std::random_device rd;
    const unsigned long long value = (static_cast<unsigned long long>(rd()) << 32) | rd();
    char digits[kRandomDigits + 1];
    std::snprintf(digits, sizeof digits, "%016llx", value);
    return digits;
}

fs::path lockFile(const fs::path &target)
{
    return target.parent_path() / ("." + target.filename().string() + std::string(kLockSuffix));
}

/** The flock() of one target's lock file; released (and the file removed) by release() or at exit. */
class TargetLock
{
public:
    enum class Outcome { Held, Busy, Unsupported };

    /** Busy: a live process holds it. Unsupported: the file system has no locks (the descriptor is still kept). */
    static std::pair<Outcome, int> acquire(const fs::path &lock, const fs::path &target)
    {
        for (;;) {
            const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
            if (fd < 0)
                throw Error(quoted(target) + ": cannot be written there: " + reason(errno));
            if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
                const int err = errno;
                if (err == EWOULDBLOCK) {
                    ::close(fd);
                    return {Outcome::Busy, -1};
                }
                return {Outcome::Unsupported, fd};
            }
            // The previous holder may have removed the file between our open() and flock(): then our lock is on
            // a file no one else can find, and we start again on the current one.
            struct stat held, current;
            if (::fstat(fd, &held) == 0 && ::stat(lock.c_str(), &current) == 0 && held.st_ino == current.st_ino &&
                held.st_dev == current.st_dev)
                return {Outcome::Held, fd};
            ::close(fd);
        }
    }

    /** Removes the lock file while still holding it, so no one can take a lock on a file about to vanish. */
    static void release(const fs::path &lock, int fd)
    {
        if (fd < 0)
            return;
        ::unlink(lock.c_str());
        ::close(fd);
    }
};

/** True when `name` is "." + target + tag + 16 hex digits. */
bool isTemporaryOf(const std::string &name, const std::string &target, std::string_view tag)
{
    const std::string prefix = "." + target + std::string(tag);
    if (name.size() != prefix.size() + kRandomDigits || name.compare(0, prefix.size(), prefix) != 0)
        return false;
    return name.find_first_not_of("0123456789abcdef", prefix.size()) == std::string::npos;
}

/** With the target's lock held: its killed writers' temporaries go, an interrupted replace's old folder comes back. */
void cleanTarget(const fs::path &target, std::vector<fs::path> &cleaned)
{
    const std::string name = target.filename().string();
    std::vector<fs::path> temporaries, olds;
    std::error_code ec;
    for (fs::directory_iterator it(target.parent_path(), ec), end; !ec && it != end; it.increment(ec)) {
        const std::string entry = it->path().filename().string();
        if (isTemporaryOf(entry, name, kTemporaryTag))
            temporaries.push_back(it->path());
        else if (isTemporaryOf(entry, name, kOldTag))
            olds.push_back(it->path());
    }
    struct stat st;
    if (!olds.empty() && ::lstat(target.c_str(), &st) != 0 && ::rename(olds.front().c_str(), target.c_str()) == 0) {
        cleaned.push_back(target);  // the previous target, back where it was
        olds.erase(olds.begin());
    }
    for (const auto *list : {&temporaries, &olds})
        for (const fs::path &p : *list)
            if (removeTree(p))
                cleaned.push_back(p);
}

}  // namespace

std::vector<fs::path> cleanStaleOutputs(const fs::path &folder)
{
    std::vector<fs::path> locks;
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.size() > kLockSuffix.size() + 1 && name[0] == '.' &&
            name.compare(name.size() - kLockSuffix.size(), kLockSuffix.size(), kLockSuffix) == 0)
            locks.push_back(it->path());
    }
    std::vector<fs::path> cleaned;
    for (const fs::path &lock : locks) {
        const std::string name = lock.filename().string();
        const fs::path target = folder / name.substr(1, name.size() - 1 - kLockSuffix.size());
        std::pair<TargetLock::Outcome, int> held;
        try {
            held = TargetLock::acquire(lock, target);
        } catch (const Error &) {
            continue;  // a read-only folder: nothing to clean there
        }
        if (held.first == TargetLock::Outcome::Held) {
            cleanTarget(target, cleaned);
            cleaned.push_back(lock);
            TargetLock::release(lock, held.second);
        } else if (held.second >= 0) {
            ::close(held.second);  // without working locks no one can tell a live writer from a killed one
        }
    }
    return cleaned;
}

StagedOutput::StagedOutput(const fs::path &targetIn, Kind kind) : m_kind(kind)
{
    m_target = fs::absolute(targetIn).lexically_normal();
    if (m_target.filename().empty())
        m_target = m_target.parent_path();  // "folder/"
    const fs::path lock = lockFile(m_target);
    const auto [outcome, fd] = TargetLock::acquire(lock, m_target);
    if (outcome == TargetLock::Outcome::Busy)
        throw Error(quoted(m_target) + ": another LayerCut job or process is writing it right now (it holds " +
                    quoted(lock) + ")");
    m_lockFd = fd;
    try {
        if (outcome == TargetLock::Outcome::Held) {
            std::vector<fs::path> cleaned;
            cleanTarget(m_target, cleaned);
            cleanStaleOutputs(m_target.parent_path());
        }
        m_temporary =
            m_target.parent_path() / ("." + m_target.filename().string() + std::string(kTemporaryTag) + randomDigits());
        if (kind == Kind::File) {
            m_fileFd = ::open(m_temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
            if (m_fileFd < 0)
                throw Error(quoted(m_target) + ": cannot create a file beside it: " + reason(errno));
        } else if (::mkdir(m_temporary.c_str(), 0777) != 0) {
            throw Error(quoted(m_target) + ": cannot create a folder beside it: " + reason(errno));
        }
    } catch (...) {
        TargetLock::release(lock, m_lockFd);
        throw;
    }
}

StagedOutput::~StagedOutput()
{
    if (m_fileFd >= 0)
        ::close(m_fileFd);
    if (!m_committed && !m_temporary.empty())
        removeTree(m_temporary);
    TargetLock::release(lockFile(m_target), m_lockFd);
}

void StagedOutput::write(const void *data, size_t size)
{
    if (m_fileFd < 0)
        throw Error("internal: " + quoted(m_target) + " is not a file being written");
    const char *p = static_cast<const char *>(data);
    while (size > 0) {
        const ssize_t n = ::write(m_fileFd, p, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            throw Error(quoted(m_target) + ": cannot be written: " + reason(n < 0 ? errno : ENOSPC));
        p += n;
        size -= static_cast<size_t>(n);
    }
}

void StagedOutput::commit()
{
    if (m_committed)
        return;
    if (m_kind == Kind::File) {
        // Some file systems report a full disk only when the data reaches it: fsync is where that shows.
        if (::fsync(m_fileFd) != 0 && errno != EINVAL)
            throw Error(quoted(m_target) + ": cannot be written: " + reason(errno));
        const int closed = ::close(m_fileFd);
        m_fileFd = -1;
        if (closed != 0 && errno != EINTR)
            throw Error(quoted(m_target) + ": cannot be written: " + reason(errno));
        if (::rename(m_temporary.c_str(), m_target.c_str()) != 0)
            throw Error(quoted(m_target) + ": cannot be replaced: " + reason(errno));
        m_committed = true;
        return;
    }
    // A folder: put it in place if nothing is there, else swap it with the previous target in one step.
    if (::renameat2(AT_FDCWD, m_temporary.c_str(), AT_FDCWD, m_target.c_str(), RENAME_NOREPLACE) == 0) {
        m_committed = true;
        return;
    }
    int err = errno;
    if (err == EEXIST) {
        if (::renameat2(AT_FDCWD, m_temporary.c_str(), AT_FDCWD, m_target.c_str(), RENAME_EXCHANGE) == 0) {
            m_committed = true;
            removeTree(m_temporary);  // now the previous target; a kill here leaves it to the next cleaning
            return;
        }
        err = errno;
    }
    if (err != EINVAL && err != ENOSYS && err != ENOTSUP)
        throw Error(quoted(m_target) + ": cannot be replaced: " + reason(err));
    // No renameat2 flags here: two renames. A kill between them leaves the previous folder under the "old"
    // name, which the next cleaning moves back (see cleanTarget).
    struct stat st;
    if (::lstat(m_target.c_str(), &st) == 0) {
        const fs::path old =
            m_target.parent_path() / ("." + m_target.filename().string() + std::string(kOldTag) + randomDigits());
        if (::rename(m_target.c_str(), old.c_str()) != 0)
            throw Error(quoted(m_target) + ": cannot be replaced: " + reason(errno));
        if (::rename(m_temporary.c_str(), m_target.c_str()) != 0) {
            err = errno;
            ::rename(old.c_str(), m_target.c_str());
            throw Error(quoted(m_target) + ": cannot be replaced: " + reason(err));
        }
        m_committed = true;
        removeTree(old);
        return;
    }
    if (::rename(m_temporary.c_str(), m_target.c_str()) != 0)
        throw Error(quoted(m_target) + ": cannot be created: " + reason(errno));
    m_committed = true;
}

std::string StagedOutput::inTargetTerms(std::string message) const
{
    const std::string from = m_temporary.string(), to = m_target.string();
    for (size_t at = message.find(from); at != std::string::npos; at = message.find(from, at + to.size()))
        message.replace(at, from.size(), to);
    return message;
}

}  // namespace lc
