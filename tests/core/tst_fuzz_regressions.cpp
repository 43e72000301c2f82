// SPDX-License-Identifier: GPL-3.0-or-later
// Replays the fuzz harnesses of tests/fuzz on their seeds (seeds.tsv), committed corpora (corpus/) and the
// reproducers of every finding fixed (regressions/), through the same harness code libFuzzer runs, so that a
// fixed crash, hang or unhelpful message stays fixed in CI, where there is no clang. Under ASan only the fuzz
// build sees memory errors; here a reproducer must still end in a clean lc::Error or a successful parse.
#include <chrono>
#include <fstream>
#include <set>
#include <sstream>

#include <QtTest>

#include "fuzz_target.h"

namespace fs = std::filesystem;

namespace {

const fs::path kFuzzDir = LAYERCUT_FUZZ_DIR;

std::string readBytes(const fs::path &path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string fromHex(const std::string &hex)
{
    std::string bytes;
    for (size_t i = 0; i + 1 < hex.size(); i += 2)
        bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    return bytes;
}

}  // namespace

class TstFuzzRegressions : public QObject
{
    Q_OBJECT

private slots:
    void everyHarnessIsLinked()
    {
        // seeds.tsv names every harness; each must be in this program (else its reproducers would not run).
        std::ifstream seeds(kFuzzDir / "seeds.tsv");
        std::string line;
        std::set<std::string> named;
        while (std::getline(seeds, line))
            if (!line.empty() && line[0] != '#')
                named.insert(line.substr(0, line.find('\t')));
        QVERIFY(named.size() >= 10);
        for (const std::string &name : named)
            QVERIFY2(lc::fuzz::harnesses().count(name), name.c_str());
        for (const auto &[name, harness] : lc::fuzz::harnesses())
            QVERIFY2(named.count(name), ("no seed for the harness " + name).c_str());
    }

    void replay_data()
    {
        QTest::addColumn<QString>("harness");
        QTest::addColumn<QByteArray>("input");
        std::ifstream seeds(kFuzzDir / "seeds.tsv");
        std::string line;
        int rows = 0;
        while (std::getline(seeds, line)) {
            if (line.empty() || line[0] == '#')
                continue;
            std::istringstream fields(line);
            std::string harness, prefix, file;
            std::getline(fields, harness, '\t');
            std::getline(fields, prefix, '\t');
            std::getline(fields, file, '\t');
            const std::string bytes = (prefix == "-" ? "" : fromHex(prefix)) + readBytes(kFuzzDir.parent_path() / file);
            QTest::addRow("seed %s %s %s", harness.c_str(), prefix.c_str(), file.c_str())
                << QString::fromStdString(harness) << QByteArray::fromStdString(bytes);
            ++rows;
        }
        for (const char *kind : {"corpus", "regressions"}) {
            if (!fs::is_directory(kFuzzDir / kind))
                continue;
            for (const auto &harnessDir : fs::directory_iterator(kFuzzDir / kind)) {
                if (!harnessDir.is_directory())
                    continue;
                for (const auto &file : fs::directory_iterator(harnessDir.path())) {
                    const std::string harness = harnessDir.path().filename().string();
                    QTest::addRow("%s %s %s", kind, harness.c_str(), file.path().filename().c_str())
                        << QString::fromStdString(harness) << QByteArray::fromStdString(readBytes(file.path()));
                    ++rows;
                }
            }
        }
        QVERIFY(rows > 0);
    }

    void replay()
    {
        QFETCH(QString, harness);
        QFETCH(QByteArray, input);
        const auto it = lc::fuzz::harnesses().find(harness.toStdString());
        QVERIFY2(it != lc::fuzz::harnesses().end(), qPrintable("no harness " + harness));
        const auto start = std::chrono::steady_clock::now();
        try {
            it->second(reinterpret_cast<const uint8_t *>(input.constData()), static_cast<size_t>(input.size()));
        } catch (const lc::fuzz::Finding &finding) {
            QFAIL(finding.what.c_str());
        }
        // Every input the fuzzers keep is small: seconds here would be a hang in the making.
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        QVERIFY2(seconds < 5.0, qPrintable(QString("took %1 s").arg(seconds)));
    }
};

QTEST_GUILESS_MAIN(TstFuzzRegressions)
#include "tst_fuzz_regressions.moc"
