// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/out_of_memory.h"

#include <cstdio>
#include <new>
#include <regex>

#include <c10/util/Exception.h>

#include "layercut/error.h"

namespace lc {

bool isOutOfMemory(const std::exception &e)
{
    if (dynamic_cast<const Error *>(&e))
        return false;  // ours, said already (an inner job's out-of-memory message is more precise)
    if (dynamic_cast<const c10::OutOfMemoryError *>(&e) || dynamic_cast<const std::bad_alloc *>(&e))
        return true;
    // Older torch raises CUDA's as a plain c10::Error; the CPU allocator always does.
    const std::string what = e.what();
    return what.find("out of memory") != std::string::npos || what.find("not enough memory") != std::string::npos ||
           what.find("can't allocate memory") != std::string::npos;
}

namespace {

/**
 * Of a model's devices ("cuda:0,cuda:1", "cuda:0,cpu"), the one that ran out: the CPU when its allocator failed
 * (host memory, whatever the list), else the GPU torch's message names ("GPU 1 has a total capacity of …" from
 * torch 2.1, "(GPU 1; 79.15 GiB total capacity; …" before); the list itself when it names none.
 */
std::string deviceThatRanOut(const std::string &what, const std::string &devices, bool cpuAllocator)
{
    if (cpuAllocator)
        return "cpu";
    std::smatch m;
    if (devices.find(',') != std::string::npos && std::regex_search(what, m, std::regex("GPU ([0-9]+)(;| has)")))
        return "cuda:" + m[1].str();
    return devices;
}

}  // namespace

void throwIfOutOfMemory(const std::exception &e, const std::string &devices, const std::string &doing,
                        const std::string &advice)
{
    if (!isOutOfMemory(e))
        return;
    const std::string what = e.what();
    const bool cpuAllocator = dynamic_cast<const std::bad_alloc *>(&e) ||
                              what.find("DefaultCPUAllocator") != std::string::npos ||
                              what.find("can't allocate memory") != std::string::npos;
    const std::string device = deviceThatRanOut(what, devices, cpuAllocator);
    // torch's own wording: "Tried to allocate 2.00 GiB" (CUDA), "you tried to allocate 123456 bytes" (CPU).
    std::string asked;
    std::smatch m;
    if (std::regex_search(what, m, std::regex("[Tt]ried to allocate ([0-9.]+ ?[KMGT]?i?B)")))
        asked = m[1].str();
    else if (std::regex_search(what, m, std::regex("[Tt]ried to allocate ([0-9]{1,19}) bytes"))) {
        const double bytes = std::stod(m[1].str());
        char text[32];
        std::snprintf(text, sizeof text, bytes >= 1073741824.0 ? "%.1f GiB" : "%.0f MiB",
                      bytes / (bytes >= 1073741824.0 ? 1073741824.0 : 1048576.0));
        asked = text;
    }
    const bool list = device.find(',') != std::string::npos;
    const bool gpu = device.rfind("cuda", 0) == 0;
    throw Error((list  ? "one of the devices (" + device + ")"
                 : gpu ? "the GPU (" + device + ")"
                       : std::string("the computer")) +
                " ran out of memory " + doing + (asked.empty() ? "" : " (it asked for " + asked + " more)") + ": " +
                advice);
}

}  // namespace lc
