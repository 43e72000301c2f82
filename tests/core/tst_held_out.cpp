// SPDX-License-Identifier: GPL-3.0-or-later
// No held-out leakage: a document a healing run trains on is never in its validation sample nor in a later
// held-out loss, whatever file either comes from, and the healed folders (adapters, merged model) carry the
// list so a later session leaves them out too. The layers the adapters were trained on are recorded, and
// resuming on other layers is an error that names both.
#include <fstream>

#include <QTemporaryDir>
#include <QTest>

#include "test_device.h"

#include "layercut/document_ids.h"
#include "layercut/error.h"
#include "layercut/evaluation.h"
#include "layercut/evaluation_json.h"
#include "layercut/healing.h"
#include "layercut/json_file.h"
#include "layercut/model_session.h"

#include <nlohmann/json.hpp>

using namespace lc;
using lc::test::testDevice;
namespace fs = std::filesystem;

namespace {

const std::string kModel = std::string(LAYERCUT_FIXTURES_DIR) + "/models/llama3_gqa_sharded";
const std::string kCorpus = std::string(LAYERCUT_FIXTURES_DIR) + "/data/tiny_corpus.txt";

HealingConfig shortRun(const fs::path &out = {})
{
    HealingConfig c;
    c.trainData = kCorpus;
    c.sequenceLength = 16;
    c.batchSize = 2;
    c.microBatchSize = 1;
    c.steps = 3;
    c.rank = 4;
    c.alpha = 8;
    c.quantization = BaseQuantization::None;
    c.learningRate = 1e-3;
    c.warmupSteps = 1;
    c.evalEvery = 0;
    c.validationSequences = 64;
    c.outputDir = out;
    return c;
}

std::vector<Document> corpus()
{
    return readDocuments(kCorpus);
}

}  // namespace

class TestHeldOut final : public QObject
{
    Q_OBJECT

private slots:
    // The default validation sample is the held-out 5%; validating on the training file itself leaves out
    // every document the run trains on (before: they were all in it).
    void validationNeverHoldsTrainedDocuments()
    {
        ModelSession s;
        s.load(kModel, testDevice());
        HealingConfig c = shortRun();
        c.validationData = kCorpus;  // the very file it trains on
        const HealingResult r = healModel(s, c);
        const DocumentIds &trained = s.trainedDocuments();
        QVERIFY(r.trainDocuments > 0);
        QCOMPARE(int64_t(trained.size()), r.trainDocuments);
        QVERIFY(r.trainDocuments < int64_t(corpus().size()));  // 3 steps × 2 × 16 tokens read only some
        QCOMPARE(r.validationExcluded, r.trainDocuments);      // every trained one was a candidate, none stayed
        QVERIFY(r.validationDocuments > 0);
        QCOMPARE(r.validationSource, kCorpus);
        QCOMPARE(r.validation.size(), size_t(2));  // before the first step and after the last
    }

    // The loss after healing, on any file holding training documents, leaves them out and says so.
    void lossAfterHealingLeavesTrainedDocumentsOut()
    {
        ModelSession s;
        s.load(kModel, testDevice());
        EvalOptions o;
        o.validationData = kCorpus;
        o.lossSequences = 0;  // every document there is
        const EvalResult before = evaluateModel(s, o);
        QCOMPARE(before.lossExcludedTrained, int64_t(0));
        QCOMPARE(before.loss->sequences, int64_t(corpus().size()));
        const HealingResult healed = healModel(s, shortRun());
        const EvalResult after = evaluateModel(s, o);
        QCOMPARE(after.lossExcludedTrained, healed.trainDocuments);
        QCOMPARE(after.lossDocumentsInFile, int64_t(corpus().size()));
        QCOMPARE(after.loss->sequences, int64_t(corpus().size()) - healed.trainDocuments);
        const nlohmann::ordered_json j = evalResultToJson(after);
        QCOMPARE(j["loss"]["data"].get<std::string>(), kCorpus);
        QCOMPARE(j["loss"]["excluded_trained_documents"].get<int64_t>(), healed.trainDocuments);
        // A copy of the training documents in another file is left out just the same.
        QTemporaryDir dir;
        const fs::path copy = fs::path(dir.path().toStdString()) / "copy.jsonl";
        std::ofstream out(copy);
        for (const Document &d : corpus())
            out << nlohmann::json{{"text", std::get<std::string>(d)}}.dump() << "\n";
        out.close();
        o.validationData = copy;
        QCOMPARE(evaluateModel(s, o).lossExcludedTrained, healed.trainDocuments);
    }

    // The run's folder records the trained documents and the layers; the merged model carries the list,
    // so a new session on it leaves them out too.
    void healedFoldersCarryTheListAndTheLayers()
    {
        QTemporaryDir dir;
        const fs::path out = fs::path(dir.path().toStdString()) / "healed";
        ModelSession s;
        s.load(kModel, testDevice());
        s.applyPrunePlan(PrunePlan::dropBlock(6, 2, 2));
        const HealingResult r = healModel(s, shortRun(out));
        QCOMPARE(int64_t(DocumentIds::load(out / kTrainedDocumentsFile).size()), r.trainDocuments);
        const nlohmann::json record = readJsonFile(out / "layercut.json");
        QCOMPARE(record["kept_layers"].get<std::vector<int64_t>>(), (std::vector<int64_t>{0, 1, 4, 5}));
        QCOMPARE(record["dropped_layers"].get<std::vector<int64_t>>(), (std::vector<int64_t>{2, 3}));
        QCOMPARE(record["source_layers"].get<int64_t>(), int64_t(6));
        QVERIFY(record["source"].get<std::string>().ends_with("llama3_gqa_sharded"));
        QCOMPARE(readJsonFile(out / "healing.json")["validation_documents"].get<int64_t>(), r.validationDocuments);

        exportHealedModel(s, out / "merged");
        QCOMPARE(int64_t(DocumentIds::load(out / "merged" / kTrainedDocumentsFile).size()), r.trainDocuments);
        ModelSession merged;
        merged.load(out / "merged", testDevice());
        QCOMPARE(int64_t(merged.trainedDocuments().size()), r.trainDocuments);
        EvalOptions o;
        o.validationData = kCorpus;
        o.lossSequences = 0;
        QCOMPARE(evaluateModel(merged, o).lossExcludedTrained, r.trainDocuments);
    }

    // Adapters trained with other layers dropped do not fit: the error names both sets of layers.
    void resumingOnOtherLayersNamesThem()
    {
        QTemporaryDir dir;
        const fs::path out = fs::path(dir.path().toStdString()) / "run";
        {
            ModelSession s;
            s.load(kModel, testDevice());
            s.applyPrunePlan(PrunePlan::dropBlock(6, 2, 2));
            healModel(s, shortRun(out));
        }
        ModelSession s;
        s.load(kModel, testDevice());
        s.applyPrunePlan(PrunePlan::dropBlock(6, 3, 2));
        HealingConfig c = shortRun();
        c.steps = 4;
        c.resumeFrom = out / "checkpoints" / "step-000003";
        try {
            healModel(s, c);
            QFAIL("adapters were resumed on other layers");
        } catch (const Error &e) {
            const QString what = e.what();
            QVERIFY2(what.contains("layers 2–3 dropped") && what.contains("layers 3–4 dropped"), e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestHeldOut)
#include "tst_held_out.moc"
