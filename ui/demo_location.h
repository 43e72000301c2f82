// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

/**
 * Where the bundled demo lives: a small model (model/, a Hugging Face folder) and data for every step
 * (data/: train.txt, validation.txt, mmlu/, boolq.jsonl). Torch-free, so the first-launch logic and its
 * tests need no model code.
 */
class DemoLocation
{
public:
    /**
     * The first candidate folder holding model/config.json: $LAYERCUT_DEMO_DIR, then
     * <application dir>/../share/layercut/demo (installed), then the source tree's resources/demo (a build
     * run in place). An invalid location (isValid() false) when none does.
     */
    static DemoLocation find();
    /** The folders find() tries, in order (for error messages). */
    static QStringList candidates();

    DemoLocation() = default;
    explicit DemoLocation(const QString &root);

    bool isValid() const;
    QString root() const { return m_root; }
    QString modelFolder() const;
    /** Plain text for the distance analysis and for healing. */
    QString trainData() const;
    /** Held-out text for healing's validation and the evaluation's loss. */
    QString validationData() const;
    /** MMLU in the release layout (data/dev, data/test). */
    QString mmlu() const;
    QString boolq() const;
    QString gsm8k() const;       // data/gsm8k/test.jsonl
    QString gsm8kTrain() const;  // data/gsm8k/train.jsonl: the few-shot examples

private:
    QString m_root;
};
