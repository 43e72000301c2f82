// SPDX-License-Identifier: GPL-3.0-or-later
// The tree's layering, read from its #include lines: no two units (a header with its source) include each
// other, directly or around a circle; core sources outside core/jobs never include Qt; nothing outside
// core/src includes torch; the jobs layer (the session) never includes a widget; the model (core/src/model:
// weights, NF4 storage, the forward pass) never includes training (core/src/train), which builds on it.
// And one call that must not be made: std::filesystem::remove_all; see noStdRemoveAll.
#include <functional>
#include <map>
#include <set>

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QTest>

namespace {

const QString kRoot = QStringLiteral(LAYERCUT_SOURCE_DIR);
// Where a quoted include is looked up, as the targets' include directories say.
const QStringList kIncludeDirs = {"core/include", "core",     "core/src",   "ui",   "app/cli",
                                  "app/gui",      "tests/ui", "tests/core", "tests"};

struct Tree
{
    std::map<QString, QStringList> includes;         // file (relative) -> every #include target as written
    std::map<QString, std::set<QString>> unitGraph;  // unit (file without extension) -> units it includes
};

QString unitOf(const QString &file)
{
    return file.left(file.lastIndexOf(QLatin1Char('.')));
}

Tree readTree()
{
    Tree tree;
    static const QRegularExpression include(QStringLiteral("^\\s*#\\s*include\\s*[<\"]([^\">]+)[\">]"),
                                            QRegularExpression::MultilineOption);
    for (const QString top : {"core", "ui", "app", "tests"}) {
        QDirIterator it(kRoot + "/" + top, {"*.h", "*.cpp", "*.cu"}, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            QFile f(path);
            if (!f.open(QIODevice::ReadOnly))
                continue;
            const QString rel = QDir(kRoot).relativeFilePath(path);
            const QString text = QString::fromUtf8(f.readAll());
            for (auto m = include.globalMatch(text); m.hasNext();)
                tree.includes[rel] << m.next().captured(1);
        }
    }
    for (const auto &[file, targets] : tree.includes)
        for (const QString &target : targets) {
            QStringList candidates = {QDir::cleanPath(QFileInfo(file).path() + "/" + target)};
            for (const QString &dir : kIncludeDirs)
                candidates << QDir::cleanPath(dir + "/" + target);
            for (const QString &c : candidates)
                if (tree.includes.count(c)) {
                    if (unitOf(c) != unitOf(file))
                        tree.unitGraph[unitOf(file)].insert(unitOf(c));
                    break;
                }
        }
    return tree;
}

}  // namespace

class TestLayering final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        m_tree = readTree();
        QVERIFY(m_tree.includes.size() > 100);  // the tree was found
    }

    void noIncludeCircle()
    {
        // Depth-first search; a unit met again while still on the path closes a circle.
        std::map<QString, int> state;  // 0 unseen, 1 on the path, 2 done
        QStringList path, circle;
        std::function<bool(const QString &)> visit = [&](const QString &u) {
            state[u] = 1;
            path << u;
            for (const QString &v : m_tree.unitGraph[u]) {
                if (state[v] == 1) {
                    circle = path.mid(path.indexOf(v)) << v;
                    return true;
                }
                if (state[v] == 0 && visit(v))
                    return true;
            }
            path.removeLast();
            state[u] = 2;
            return false;
        };
        for (const auto &[unit, deps] : m_tree.unitGraph)
            if (state[unit] == 0 && visit(unit))
                QFAIL(qPrintable("include circle: " + circle.join(" -> ")));
    }

    void layersKeepTheirDistance()
    {
        for (const auto &[file, targets] : m_tree.includes)
            for (const QString &t : targets) {
                const bool qt = t.startsWith('Q') || t.startsWith("qcustomplot");
                const bool torch = t.startsWith("torch/") || t.startsWith("ATen/") || t.startsWith("c10/");
                const bool widget = t.startsWith("QWidget") || t.startsWith("QMainWindow") || t.startsWith("QAction") ||
                                    t.startsWith("qcustomplot") || t.startsWith("panels/") || t.startsWith("plots/");
                if (file.startsWith("core/") && !file.startsWith("core/jobs/") && qt)
                    QFAIL(qPrintable(file + " (core, no Qt) includes " + t));
                if (torch && !file.startsWith("core/src/") && !file.startsWith("tests/core/") &&
                    !file.startsWith("bench/"))
                    QFAIL(qPrintable(file + " includes torch (only core/src may)"));
                if (file.startsWith("core/jobs/") && widget)
                    QFAIL(qPrintable(file + " (jobs layer, no widgets) includes " + t));
            }
    }

    void modelNeverIncludesTraining()
    {
        // Training builds on the model (its adapters, its quantised base, its checkpointed forward); the
        // model serves inference alone, so nothing of train/ may reach it, not even a header.
        for (const auto &[file, targets] : m_tree.includes)
            for (const QString &t : targets)
                if (file.startsWith("core/src/model/") && (t.startsWith("train/") || t.contains("/train/")))
                    QFAIL(qPrintable(file + " (model) includes " + t + " (training)"));
    }

    void noStdRemoveAll()
    {
        // The pip libtorch.so exports its own std::filesystem::remove_all, which interposes libstdc++'s and
        // calls through a null pointer (torch 2.11, Ubuntu 24.04): lc::removeTree does the job everywhere.
        static const QRegularExpression call(QStringLiteral("\\bremove_all\\s*\\("));
        for (const QString top : {"core", "ui", "app", "tests", "bench"}) {
            QDirIterator it(kRoot + "/" + top, {"*.h", "*.cpp"}, QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext()) {
                QFile f(it.next());
                if (f.open(QIODevice::ReadOnly) && call.match(QString::fromUtf8(f.readAll())).hasMatch())
                    QFAIL(qPrintable(QDir(kRoot).relativeFilePath(f.fileName()) +
                                     " calls remove_all: use lc::removeTree"));
            }
        }
    }

private:
    Tree m_tree;
};

QTEST_GUILESS_MAIN(TestLayering)
#include "tst_layering.moc"
