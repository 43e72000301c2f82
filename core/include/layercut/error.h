// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <stdexcept>
#include <string>

namespace lc {

/** Every failure the core reports: one English sentence that names the file or tensor at fault. */
class Error : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/** Thrown when a stop token fired; callers treat it as a clean, user-requested end, not a failure. */
class Cancelled : public Error
{
public:
    Cancelled() : Error("cancelled") {}
};

}  // namespace lc
