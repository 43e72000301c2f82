// SPDX-License-Identifier: GPL-3.0-or-later
// The bad-input catalogue: files a user may download or pick by mistake, and option combinations that cannot
// work, each run through layercut-cli as a user would run it. Every row must end in exit code 1 or 2 with one line on
// stderr that names the file, the place in it (tensor, key, line, field) and the problem, with no raw text of
// the standard library or nlohmann::json, and with nothing on stdout.
#include <functional>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include "cli_runner.h"

using lc::test::runCli;
using Json = nlohmann::ordered_json;

namespace {

const QString kFixtures = QStringLiteral(LAYERCUT_FIXTURES_DIR);
const QString kModel = kFixtures + "/models/qwen3_qknorm";          // unsharded, float32, 6 layers
const QString kSharded = kFixtures + "/models/llama3_gqa_sharded";  // four shards, byte-level BPE
const QString kSpm = kFixtures + "/models/llama2_spm_classic";      // tokenizer.model
const QString kMmluDir = kFixtures + "/data/mmlu";
const QString kCorpus = kFixtures + "/data/tiny_corpus.txt";

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/** A safetensors file: 8-byte little-endian header length, the header, the data. */
QByteArray safetensors(const QByteArray &header, const QByteArray &data)
{
    QByteArray out(8, '\0');
    const quint64 n = static_cast<quint64>(header.size());
    for (int i = 0; i < 8; ++i)
        out[i] = static_cast<char>((n >> (8 * i)) & 0xff);
    return out + header + data;
}

/** The fixture's model.safetensors with its header changed by `edit` (the data section kept). */
QByteArray editedHeader(const std::function<void(Json &)> &edit)
{
    const QByteArray file = readAll(kModel + "/model.safetensors");
    quint64 n = 0;
    for (int i = 7; i >= 0; --i)
        n = (n << 8) | static_cast<quint8>(file[i]);
    Json header = Json::parse(file.mid(8, static_cast<qsizetype>(n)).toStdString());
    edit(header);
    return safetensors(QByteArray::fromStdString(header.dump()), file.mid(8 + static_cast<qsizetype>(n)));
}

/** The fixture's JSON file `path` with `edit` applied. */
QByteArray editedJson(const QString &path, const std::function<void(Json &)> &edit)
{
    Json j = Json::parse(readAll(path).toStdString());
    edit(j);
    return QByteArray::fromStdString(j.dump(2));
}

/** The first `bytes` bytes of a gzip member holding `text` (its header, then the deflate stream). */
QByteArray truncatedGzip(const QByteArray &text, int bytes)
{
    // qCompress: a 4-byte size, then a zlib stream (2-byte header, the deflate data, a 4-byte checksum).
    const QByteArray deflated = qCompress(text).mid(4 + 2);
    return (QByteArray("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10) + deflated).left(bytes);
}

/**
 * One catalogue row: `fixture` (a model folder, or empty) is linked file by file into a scratch folder, then
 * `files` are written there (relative name -> bytes; a name ending in '/' makes a folder), and layercut-cli runs
 * with `args`, where {dir} is the scratch folder. The error must contain every one of `expected`.
 */
struct BadInput
{
    QString fixture;
    QList<QPair<QString, QByteArray>> files;
    QStringList args;
    QStringList expected;
    quint64 fileSizeCap = 0;               // bytes any file written may have (a full disk, without filling one)
    quint64 sparseTo = 0;                  // extends the written files to this size with a hole (zeros, no disk blocks)
    QList<QPair<QString, QString>> links;  // symbolic links made after the files: name -> target
};

QList<QPair<QString, BadInput>> catalogue()
{
    QList<QPair<QString, BadInput>> rows;
    const auto add = [&](const QString &name, BadInput row) { rows.append({name, std::move(row)}); };
    const QStringList info = {"info", "{dir}"};
    const QStringList forward = {"forward", "{dir}", "--ids", "1,2,3", "--out", "{dir}/logits.safetensors"};
    const auto model = [&](const QString &name, const QString &file, const QByteArray &bytes, const QStringList &args,
                           const QStringList &expected) {
        add(name, {kModel, {{file, bytes}}, args, expected});
    };

    // --- model.safetensors
    model("safetensors: empty", "model.safetensors", "", info, {"model.safetensors", "8-byte header length"});
    model("safetensors: 4 bytes", "model.safetensors", "\x10\0\0\0", info,
          {"model.safetensors", "8-byte header length"});
    model("safetensors: header past the end", "model.safetensors", QByteArray("\x64\0\0\0\0\0\0\0", 8) + "{}", info,
          {"model.safetensors", "header"});
    model("safetensors: header length 2^63", "model.safetensors", QByteArray("\0\0\0\0\0\0\0\x80", 8) + "{}", info,
          {"model.safetensors", "header length"});
    model("safetensors: header not JSON", "model.safetensors", safetensors("{\"a\": tru}", ""), info,
          {"model.safetensors", "not valid JSON", "line 1, column"});
    model("safetensors: header an array", "model.safetensors", safetensors("[1, 2]", ""), info,
          {"model.safetensors", "JSON object"});
    model("safetensors: unknown dtype", "model.safetensors",
          editedHeader([](Json &h) { h["lm_head.weight"]["dtype"] = "Q4"; }), info,
          {"model.safetensors", "lm_head.weight", "Q4"});
    model("safetensors: dtype a number", "model.safetensors",
          editedHeader([](Json &h) { h["lm_head.weight"]["dtype"] = 7; }), info,
          {"model.safetensors", "lm_head.weight", "dtype"});
    model("safetensors: overlapping tensors", "model.safetensors", editedHeader([](Json &h) {
              h["model.embed_tokens.weight"]["data_offsets"] = {0, 123648};
          }),
          info, {"model.safetensors", "overlap"});
    model("safetensors: shape does not match bytes", "model.safetensors", editedHeader([](Json &h) {
              h["lm_head.weight"]["shape"] = {483, 65};
          }),
          info, {"model.safetensors", "lm_head.weight", "125580 bytes", "123648"});
    model("safetensors: negative dimension", "model.safetensors", editedHeader([](Json &h) {
              h["lm_head.weight"]["shape"] = {-483, -64};
          }),
          info, {"model.safetensors", "lm_head.weight", "shape"});
    model("safetensors: dimension past 2^63", "model.safetensors", editedHeader([](Json &h) {
              h["lm_head.weight"]["shape"] = {18446744073709551615ull, 0};
          }),
          info, {"model.safetensors", "lm_head.weight", "shape"});
    model("safetensors: offsets not numbers", "model.safetensors", editedHeader([](Json &h) {
              h["lm_head.weight"]["data_offsets"] = {"0", "123648"};
          }),
          info, {"model.safetensors", "lm_head.weight", "data_offsets"});
    model("safetensors: data cut short", "model.safetensors", readAll(kModel + "/model.safetensors").chopped(1000),
          info, {"model.safetensors", "past the end", "truncated"});
    model("safetensors: binary garbage", "model.safetensors", QByteArray(4096, '\xa7'), info,
          {"model.safetensors", "header length"});
    model("safetensors: a layer tensor missing", "model.safetensors", editedHeader([](Json &h) {
              h["model.layers.3.mlp.up_proj.weight_renamed"] = h["model.layers.3.mlp.up_proj.weight"];
              h.erase("model.layers.3.mlp.up_proj.weight");
          }),
          forward, {"model.layers.3.mlp.up_proj.weight", "is missing"});
    model("safetensors: a layer tensor of the wrong shape", "model.safetensors", editedHeader([](Json &h) {
              h["model.layers.2.mlp.down_proj.weight"]["shape"] = {144, 64};
          }),
          forward, {"model.safetensors", "model.layers.2.mlp.down_proj.weight", "[144, 64]", "[64, 144]"});
    model("safetensors: integer weights", "model.safetensors",
          editedHeader([](Json &h) { h["model.norm.weight"]["dtype"] = "I32"; }), forward,
          {"model.safetensors", "model.norm.weight", "I32"});
    model("safetensors: a folder in its place", "model.safetensors/", "", info, {"model.safetensors", "folder"});

    // --- sharded checkpoints (model.safetensors.index.json)
    const QString index = kSharded + "/model.safetensors.index.json";
    const auto sharded = [&](const QString &name, const QString &file, const QByteArray &bytes,
                             const QStringList &expected) {
        add(name, {kSharded, {{file, bytes}}, info, expected});
    };
    sharded("index: not JSON", "model.safetensors.index.json", "{\"weight_map\": {",
            {"model.safetensors.index.json", "not valid JSON"});
    sharded("index: no weight_map", "model.safetensors.index.json",
            editedJson(index, [](Json &j) { j.erase("weight_map"); }), {"model.safetensors.index.json", "weight_map"});
    sharded("index: a shard name not a string", "model.safetensors.index.json",
            editedJson(index, [](Json &j) { j["weight_map"]["lm_head.weight"] = 4; }),
            {"model.safetensors.index.json", "lm_head.weight"});
    sharded("index: a missing shard", "model.safetensors.index.json",
            editedJson(index, [](Json &j) { j["weight_map"]["lm_head.weight"] = "model-00005-of-00005.safetensors"; }),
            {"model-00005-of-00005.safetensors"});
    sharded("index: a shard outside the folder", "model.safetensors.index.json",
            editedJson(index, [](Json &j) { j["weight_map"]["lm_head.weight"] = "../qwen3_qknorm/model.safetensors"; }),
            {"model.safetensors.index.json", "../qwen3_qknorm/model.safetensors"});
    sharded("index: a tensor not in its shard", "model.safetensors.index.json",
            editedJson(index, [](Json &j) { j["weight_map"]["lm_head.weight"] = "model-00001-of-00004.safetensors"; }),
            {"lm_head.weight", "model-00001-of-00004.safetensors"});
    sharded("index: a shard cut short", "model-00002-of-00004.safetensors",
            readAll(kSharded + "/model-00002-of-00004.safetensors").left(5000),
            {"model-00002-of-00004.safetensors", "truncated"});

    // --- config.json
    const QString config = kModel + "/config.json";
    const auto configRow = [&](const QString &name, const std::function<void(Json &)> &edit,
                               const QStringList &expected) {
        model(name, "config.json", editedJson(config, edit), info, QStringList{"config.json"} + expected);
    };
    model("config: missing", "config.json/", "", info, {"config.json", "folder"});
    model("config: not JSON", "config.json", "{\"hidden_size\": 64,,}", info, {"config.json", "not valid JSON"});
    model("config: an array", "config.json", "[]", info, {"config.json", "object"});
    configRow("config: unknown family",
              [](Json &j) {
                  j["model_type"] = "gpt_neox";
                  j["architectures"] = {"Gemma2ForCausalLM"};
              },
              {"gpt_neox"});
    configRow("config: hidden_size a string", [](Json &j) { j["hidden_size"] = "64"; }, {"hidden_size"});
    configRow("config: hidden_size negative", [](Json &j) { j["hidden_size"] = -64; }, {"hidden_size"});
    configRow("config: hidden_size a float", [](Json &j) { j["hidden_size"] = 64.5; }, {"hidden_size", "integer"});
    model("config: a number past int64", "config.json",
          readAll(config).replace("\"num_hidden_layers\": 6", "\"num_hidden_layers\": 1e308"), info,
          {"config.json", "1e+308", "/num_hidden_layers", "out of range"});
    configRow("config: vocab_size zero", [](Json &j) { j["vocab_size"] = 0; }, {"vocab_size"});
    configRow("config: kv heads do not divide heads", [](Json &j) { j["num_key_value_heads"] = 3; },
              {"num_key_value_heads"});
    add("config: heads that do not fit the checkpoint (no head_dim)",
        {kModel,
         {{"config.json", editedJson(config,
                                     [](Json &j) {
                                         j.erase("head_dim");
                                         j["num_attention_heads"] = 3;
                                         j["num_key_value_heads"] = 3;
                                     })}},
         forward,
         {"model.safetensors", "q_proj"}});
    configRow("config: rms_norm_eps negative", [](Json &j) { j["rms_norm_eps"] = -1; }, {"rms_norm_eps"});
    configRow("config: rope_theta zero", [](Json &j) { j["rope_parameters"]["rope_theta"] = 0; }, {"rope_theta"});
    configRow("config: unknown rope type", [](Json &j) { j["rope_parameters"]["rope_type"] = "yarn"; }, {"yarn"});
    configRow("config: layer_types of another depth", [](Json &j) { j["num_hidden_layers"] = 7; },
              {"layer_types", "6 entries for 7 layers"});
    configRow("config: num_hidden_layers 10^12",
              [](Json &j) {
                  j.erase("layer_types");
                  j["num_hidden_layers"] = 1000000000000;
              },
              {"num_hidden_layers"});
    add("config: more layers than the checkpoint", {kModel,
                                                    {{"config.json", editedJson(config,
                                                                                [](Json &j) {
                                                                                    j.erase("layer_types");
                                                                                    j["num_hidden_layers"] = 7;
                                                                                })}},
                                                    forward,
                                                    {"model.layers.6", "is missing"}});

    // --- tokenizer.json, tokenizer.model, tokenizer_config.json (through tokenize)
    const QString tokJson = kModel + "/tokenizer.json";
    const QStringList tokenize = {"tokenize", "{dir}", "hello world"};
    const auto tokRow = [&](const QString &name, const QByteArray &bytes, const QStringList &expected) {
        model(name, "tokenizer.json", bytes, tokenize, QStringList{"tokenizer.json"} + expected);
    };
    tokRow("tokenizer.json: empty", "", {"not valid JSON"});
    tokRow("tokenizer.json: not JSON", "{\"model\": ", {"not valid JSON"});
    tokRow("tokenizer.json: Unigram model", editedJson(tokJson, [](Json &j) { j["model"]["type"] = "Unigram"; }),
           {"Unigram"});
    tokRow("tokenizer.json: negative id", editedJson(tokJson, [](Json &j) { j["model"]["vocab"]["hello"] = -5; }),
           {"hello", "-5"});
    tokRow("tokenizer.json: merge of unknown tokens",
           editedJson(tokJson, [](Json &j) { j["model"]["merges"].push_back("zzqq xxvv"); }), {"merge", "zzqq"});
    tokRow("tokenizer.json: a bad Split regex",
           editedJson(tokJson,
                      [](Json &j) {
                          j["pre_tokenizer"] = {{"type", "Split"},
                                                {"pattern", {{"Regex", "(unclosed"}}},
                                                {"behavior", "Isolated"},
                                                {"invert", false}};
                      }),
           {"the Split pattern's regular expression", "missing closing parenthesis"});
    const auto spmRow = [&](const QString &name, const QByteArray &bytes) {
        add(name,
            {kSpm, {{"tokenizer.model", bytes}}, {"tokenize", "{dir}/tokenizer.model", "hi"}, {"tokenizer.model"}});
    };
    spmRow("tokenizer.model: garbage", QByteArray(300, '\x13'));
    spmRow("tokenizer.model: empty", "");
    const auto configTokRow = [&](const QString &name, const QByteArray &bytes, const QStringList &expected) {
        model(name, "tokenizer_config.json", bytes, tokenize, QStringList{"tokenizer_config.json"} + expected);
    };
    configTokRow("tokenizer_config.json: not JSON", "{\"add_bos_token\": tru}", {"not valid JSON"});
    configTokRow("tokenizer_config.json: add_bos_token a string", "{\"add_bos_token\": \"yes\"}", {"add_bos_token"});
    configTokRow("tokenizer_config.json: bos_token a number", "{\"bos_token\": 7}", {"bos_token"});
    configTokRow("tokenizer_config.json: bos_token not in the vocabulary",
                 "{\"add_bos_token\": true, \"bos_token\": \"<never-seen>\"}", {"<never-seen>"});

    // --- data files (distances --data)
    const auto dataRow = [&](const QString &name, const QString &file, const QByteArray &bytes,
                             const QStringList &expected) {
        add(name, {kModel,
                   {{file, bytes}},
                   {"distances", "{dir}", "--data", "{dir}/" + file, "--out", "{dir}/d.json", "--samples", "4"},
                   QStringList{file} + expected});
    };
    dataRow("data: empty text file", "empty.txt", "", {"no document"});
    dataRow("data: invalid UTF-8", "latin1.txt", "caf\xe9 au lait\nna\xefve\n", {"line 1", "UTF-8"});
    dataRow("data: a binary file", "weights.txt", QByteArray(3000, '\x01'), {"binary"});
    dataRow("data: JSON Lines line not JSON", "bad.jsonl", "{\"text\": \"a\"}\n{\"text\": \"b\"}\n{\"text\": b}\n",
            {"line 3", "not valid JSON"});
    dataRow("data: JSON Lines without text", "notext.jsonl", "{\"text\": \"a\"}\n{\"body\": \"b\"}\n",
            {"line 2", "text"});
    dataRow("data: input_ids with a string", "ids.jsonl", "{\"input_ids\": [1, \"2\", 3]}\n", {"line 1", "input_ids"});
    dataRow("data: input_ids past the vocabulary", "ids.jsonl", "{\"input_ids\": [1, 99999, 3]}\n",
            {"document 1", "99999", "vocabulary of 483"});
    dataRow("data: a negative input_id", "ids.jsonl", "{\"input_ids\": [1, -7, 3]}\n",
            {"document 1", "-7 is negative"});
    dataRow("data: gzip corrupt", "c4.json.gz", QByteArray("\x1f\x8b\x08\x00garbage-garbage-garbage", 27), {"gzip"});
    dataRow("data: gzip cut short", "c4.json.gz", truncatedGzip("{\"text\": \"a document\"}\n", 20), {"gzip"});
    dataRow("data: a folder", "folder.txt/", "", {"folder"});

    // --- MMLU (eval --mmlu), from a copy of the fixture's release with one file replaced
    const auto mmluRow = [&](const QString &name, const QString &file, const QByteArray &bytes,
                             const QStringList &expected) {
        add(name, {kModel,
                   {{"mmlu/data/dev/anatomy_dev.csv", readAll(kMmluDir + "/data/dev/anatomy_dev.csv")},
                    {"mmlu/data/test/anatomy_test.csv", readAll(kMmluDir + "/data/test/anatomy_test.csv")},
                    {file, bytes}},
                   {"eval", "{dir}", "--mmlu", "{dir}/mmlu", "--shots", "2", "--out", "{dir}/e.json"},
                   expected});
    };
    const auto mmluJsonlRow = [&](const QString &name, const QByteArray &bytes, const QStringList &expected) {
        add(name, {kModel,
                   {{"m.jsonl", bytes}},
                   {"eval", "{dir}", "--mmlu", "{dir}/m.jsonl", "--shots", "0", "--out", "{dir}/e.json"},
                   QStringList{"m.jsonl"} + expected});
    };
    mmluRow("mmlu: five columns", "mmlu/data/test/anatomy_test.csv", "What?,a,b,c,A\n", {"anatomy_test.csv", "line 1"});
    mmluRow("mmlu: answer E", "mmlu/data/test/anatomy_test.csv", "What?,a,b,c,d,E\n",
            {"anatomy_test.csv", "line 1", "\"E\""});
    mmluRow("mmlu: unterminated quote", "mmlu/data/test/anatomy_test.csv", "\"What?,a,b,c,d,A\n",
            {"anatomy_test.csv", "quote"});
    mmluRow("mmlu: not UTF-8", "mmlu/data/test/anatomy_test.csv", "What?,a,b,c,d,A\nCaf\xe9?,a,b,c,d,B\n",
            {"anatomy_test.csv", "line 2", "not UTF-8"});
    mmluRow("mmlu: empty test file", "mmlu/data/test/anatomy_test.csv", "", {"anatomy_test.csv", "no questions"});
    mmluRow("mmlu: no dev file for the shots", "mmlu/data/dev/anatomy_dev.csv/", "", {"anatomy_dev.csv"});
    mmluRow("mmlu: more shots than dev rows", "mmlu/data/dev/anatomy_dev.csv", "Q?,a,b,c,d,A\n",
            {"anatomy_dev.csv", "1 few-shot examples, fewer than the 2"});
    mmluJsonlRow("mmlu: JSON Lines with three choices",
                 "{\"question\": \"q\", \"subject\": \"s\", \"choices\": [\"a\", \"b\", \"c\"], \"answer\": 0}\n",
                 {"line 1", "choices"});
    mmluJsonlRow(
        "mmlu: JSON Lines answer 7",
        "{\"question\": \"q\", \"subject\": \"s\", \"choices\": [\"a\", \"b\", \"c\", \"d\"], \"answer\": 7}\n",
        {"line 1", "answer"});
    mmluJsonlRow("mmlu: JSON Lines question a number",
                 "{\"question\": 5, \"subject\": \"s\", \"choices\": [\"a\", \"b\", \"c\", \"d\"], \"answer\": 1}\n",
                 {"line 1", "question"});

    // --- BoolQ (eval --boolq)
    const auto boolqRow = [&](const QString &name, const QByteArray &bytes, const QStringList &expected) {
        add(name, {kModel,
                   {{"boolq.jsonl", bytes}},
                   {"eval", "{dir}", "--boolq", "{dir}/boolq.jsonl", "--out", "{dir}/e.json"},
                   QStringList{"boolq.jsonl"} + expected});
    };
    boolqRow("boolq: no answer or label", "{\"question\": \"q\", \"passage\": \"p\"}\n", {"line 1", "answer"});
    boolqRow("boolq: label 2", "{\"question\": \"q\", \"passage\": \"p\", \"label\": 2}\n", {"line 1", "label"});
    boolqRow("boolq: empty", "", {"no BoolQ questions"});
    boolqRow("boolq: a line not JSON", "{\"question\": \"q\", \"passage\": \"p\", \"answer\": true}\nnot json\n",
             {"line 2", "not JSON"});
    boolqRow("boolq: passage missing", "{\"question\": \"q\", \"answer\": true}\n", {"line 1", "passage"});

    // --- options that cannot work together or at all
    const auto optionRow = [&](const QString &name, const QStringList &args, const QStringList &expected) {
        add(name, {kModel, {}, args, expected});
    };
    optionRow("options: eval --loss-length 0",
              {"eval", "{dir}", "--val-data", kCorpus, "--loss-length", "0", "--out", "{dir}/e.json"},
              {"--loss-length"});
    optionRow("options: prune --drop 5:3", {"prune", "{dir}", "--drop", "5:3", "--out", "{dir}/p"}, {"--drop", "5:3"});
    optionRow("options: prune --drop past the last layer", {"prune", "{dir}", "--drop", "4:9", "--out", "{dir}/p"},
              {"4:9", "0:6"});
    optionRow("options: prune every layer", {"prune", "{dir}", "--drop", "0:6", "--out", "{dir}/p"}, {"every layer"});
    optionRow("options: distances --samples -1",
              {"distances", "{dir}", "--data", kCorpus, "--samples", "-1", "--out", "{dir}/d.json"}, {"--samples"});
    optionRow("options: --dtype int8", {"forward", "{dir}", "--ids", "1,2", "--dtype", "int8", "--out", "{dir}/l.st"},
              {"int8"});
    optionRow("options: --device nonsense",
              {"forward", "{dir}", "--ids", "1,2", "--device", "tpu", "--out", "{dir}/l.st"}, {"tpu"});
    optionRow("options: token id past the vocabulary", {"forward", "{dir}", "--ids", "1,483", "--out", "{dir}/l.st"},
              {"483", "vocabulary"});
    optionRow("options: heal --micro-batch over --batch",
              {"heal", "{dir}", "--data", kCorpus, "--batch", "2", "--micro-batch", "4", "--out", "{dir}/h"},
              {"micro-batch"});
    optionRow("options: eval with nothing to evaluate", {"eval", "{dir}", "--out", "{dir}/e.json"},
              {"--mmlu", "--boolq"});
    optionRow("options: the model folder does not exist", {"info", "{dir}/nowhere"}, {"nowhere"});
    optionRow("options: expand with nothing to insert", {"expand", "{dir}", "--out", "{dir}/e"},
              {"--after", "--s-strategy"});
    optionRow("options: expand after a block it drops",
              {"expand", "{dir}", "--after", "1,5", "--drop-last", "2", "--out", "{dir}/e"},
              {"after block 5", "last 2 dropped"});
    optionRow("options: expand --after with --s-strategy",
              {"expand", "{dir}", "--after", "1", "--s-strategy", "--out", "{dir}/e"}, {"--s-strategy", "--after"});
    optionRow("options: expand --init zero", {"expand", "{dir}", "--after", "1", "--init", "zero", "--out", "{dir}/e"},
              {"--init", "zero"});
    optionRow("options: expand --drop-last -1",
              {"expand", "{dir}", "--after", "1", "--drop-last", "-1", "--out", "{dir}/e"}, {"--drop-last"});

    // --- sizes: files read whole and lines are bounded before they are read (sparse files: no disk used)
    add("config.json: 2 GiB", {kModel,
                               {{"config.json", "{}"}},
                               info,
                               {"config.json", "2048 MiB", "1024 MiB"},
                               0,
                               /*sparseTo=*/2ull << 30});
    add("data: one line of 300 MiB", {kModel,
                                      {{"huge.txt", "x"}},
                                      {"distances", "{dir}", "--data", "{dir}/huge.txt", "--out", "{dir}/d.json"},
                                      {"huge.txt", "line 1", "longer than 256 MiB"},
                                      0,
                                      /*sparseTo=*/300ull << 20});

    // --- symbolic links that point at themselves (LayerCut walks no folder tree, so no deeper cycle can trap it)
    BadInput selfLink{kModel, {}, info, {"config.json", "symbolic links"}};
    selfLink.links = {{"config.json", "config.json"}};
    add("links: config.json pointing at itself", selfLink);
    BadInput loopFolder{{}, {}, {"info", "{dir}/loop"}, {"loop", "symbolic links"}};
    loopFolder.links = {{"loop", "loop"}};
    add("links: a model folder that is a loop", loopFolder);

    // --- resources: memory and disk
    QByteArray longDocument;  // about 80,000 tokens in one line: its attention scores need ~150 GB
    for (int i = 0; i < 80000; ++i)
        longDocument += QByteArray("alpha beta gamma delta ").mid((i * 7) % 4 * 6, 6);
    add("memory: distances on one 80,000-token document",
        {kModel,
         {{"config.json", editedJson(kModel + "/config.json", [](Json &c) { c["max_position_embeddings"] = 1 << 20; })},
          {"long.txt", longDocument + "\n"}},
         {"distances", "{dir}", "--data", "{dir}/long.txt", "--max-length", "100000", "--out", "{dir}/d.json"},
         {"ran out of memory measuring distances", "(it asked for", "smaller batch or shorter documents"}});
    const auto diskFull = [&](const QString &name, const QStringList &args, const QStringList &expected) {
        add(name, {kModel, {}, args, expected, /*fileSizeCap=*/64 * 1024});
    };
    diskFull("disk full: prune's export", {"prune", "{dir}", "--drop", "2:4", "--out", "{dir}/pruned"},
             {"{dir}/pruned/model.safetensors", "cannot be written", "larger than this file system"});
    diskFull("disk full: forward's logits",
             {"forward", "{dir}", "--ids", QString("1,").repeated(300) + "2", "--out", "{dir}/logits.safetensors"},
             {"{dir}/logits.safetensors", "cannot be written"});
    return rows;
}

}  // namespace

class TstBadInputs : public QObject
{
    Q_OBJECT

private slots:
    void catalogueIsLarge() { QVERIFY2(catalogue().size() >= 60, qPrintable(QString::number(catalogue().size()))); }

    void badInput_data()
    {
        QTest::addColumn<int>("row");
        const auto rows = catalogue();
        for (int i = 0; i < rows.size(); ++i)
            QTest::newRow(qPrintable(rows[i].first)) << i;
    }

    void badInput()
    {
        QFETCH(int, row);
        const BadInput input = catalogue()[row].second;
        QTemporaryDir scratch;
        QVERIFY(scratch.isValid());
        const QString dir = scratch.path() + "/case";
        QVERIFY(QDir().mkpath(dir));
        if (!input.fixture.isEmpty())
            for (const QString &name : QDir(input.fixture).entryList(QDir::Files))
                QVERIFY(QFile::link(input.fixture + "/" + name, dir + "/" + name));
        for (const auto &[name, bytes] : input.files) {
            const QString path = dir + "/" + name;
            QFile::remove(path.endsWith('/') ? path.chopped(1) : path);
            if (name.endsWith('/')) {
                QVERIFY(QDir().mkpath(path));
                continue;
            }
            QVERIFY(QDir().mkpath(QFileInfo(path).path()));
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(bytes);
            if (input.sparseTo)
                QVERIFY(f.resize(static_cast<qint64>(input.sparseTo)));
        }
        for (const auto &[name, target] : input.links) {
            QFile::remove(dir + "/" + name);
            QVERIFY(QFile::link(target, dir + "/" + name));
        }
        QStringList args = input.args;
        for (QString &a : args)
            a.replace("{dir}", dir);
        // Every row under an address-space cap, so that an input asking for too much memory fails as out of
        // memory on any machine, whatever its memory and overcommit settings.
        const auto r = runCli(args, 120000, {.addressSpace = 4ull << 30, .fileSize = input.fileSizeCap});
        const QString err = QString::fromUtf8(r.err);
        // 1: a bad file or an impossible request; 2: options that do not parse.
        QVERIFY2(r.exitCode == 1 || r.exitCode == 2, qPrintable(QString("exit %1: %2").arg(r.exitCode).arg(err)));
        QVERIFY2(r.out.isEmpty(), r.out.constData());
        // Progress lines may come first; the error is the last line, and the only one.
        const QString last = err.trimmed().section('\n', -1);
        QVERIFY2(last.startsWith("layercut-cli: error: ") && err.count("error:") == 1, qPrintable(err));
        for (QString fragment : input.expected)
            QVERIFY2(last.contains(fragment.replace("{dir}", dir)), qPrintable("'" + fragment + "' not in: " + last));
        for (const char *raw :
             {"[json.exception", "std::", "vector::", "basic_string", "bad_alloc", "_M_", "stoi", "stoull", "what():"})
            QVERIFY2(!err.contains(QLatin1String(raw)), qPrintable(err));
        // A failed command leaves nothing of its own behind: no temporary output, no lock.
        QDirIterator it(scratch.path(), QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot,
                        QDirIterator::Subdirectories);
        while (it.hasNext())
            QVERIFY2(!it.next().contains(".layercut-"), qPrintable("left behind: " + it.filePath()));
    }
};

QTEST_GUILESS_MAIN(TstBadInputs)
#include "tst_bad_inputs.moc"
