// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include "jobs/project.h"

/** Reading and writing .layercut files: JSON with a "format" version. */
namespace project_file {

// Raise when a reader of an earlier version would misread the file. 2: every result in the core's JSON shape
// (an evaluation's tallies as `layercut-cli eval` writes them, which readers of format 1 refuse); 1 is read too.
constexpr int kFormat = 2;
inline constexpr char kSuffix[] = "layercut";

/**
 * Reads the project at `path`. Throws lc::Error naming the file and the problem when it is missing,
 * not JSON, of another format version or holds a section that does not fit.
 */
Project read(const QString &path);
/** Writes `project` to `path` atomically (lc::writeFileAtomically); throws lc::Error naming the path on failure. */
void write(const QString &path, const Project &project);

/**
 * How a path is stored in a project file in `projectDir`: relative when it lies in that folder or beside
 * it (at most one level up), so a project moved with its data keeps working; absolute otherwise.
 */
QString storedPath(const QString &path, const QString &projectDir);
/** The inverse: a relative stored path is taken from `projectDir`. */
QString resolvedPath(const QString &stored, const QString &projectDir);

}  // namespace project_file
