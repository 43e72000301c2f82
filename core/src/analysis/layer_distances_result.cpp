// SPDX-License-Identifier: GPL-3.0-or-later
// LayerDistances accessors and their JSON form (torch-free).
#include <cmath>
#include <limits>
#include <sstream>

#include <nlohmann/json.hpp>

#include "layercut/error.h"
#include "layercut/layer_distances.h"

namespace lc {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double at(const std::vector<double> &m, int64_t L, int64_t n, int64_t l)
{
    if (n <= 0 || n > L || l < 0 || l + n > L || m.empty())
        return kNaN;
    return m[static_cast<size_t>(n * (L + 1) + l)];
}

// The first l of the smallest defined value in row n (ties go to the shallower block); -1 when none is.
int64_t argminOverStarts(const std::vector<double> &m, int64_t L, int64_t n)
{
    int64_t best = -1;
    double bestValue = std::numeric_limits<double>::infinity();
    for (int64_t l = 0; n > 0 && l + n <= L; ++l) {
        const double v = at(m, L, n, l);
        if (!std::isnan(v) && v < bestValue)
            bestValue = v, best = l;
    }
    return best;
}

nlohmann::ordered_json matrixJson(const std::vector<double> &m, int64_t L)
{
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (int64_t n = 0; n <= L; ++n) {
        nlohmann::ordered_json row = nlohmann::ordered_json::array();
        for (int64_t l = 0; l <= L; ++l) {
            const double v = at(m, L, n, l);
            row.push_back(std::isnan(v) ? nlohmann::ordered_json() : nlohmann::ordered_json(v));
        }
        rows.push_back(row);
    }
    return rows;
}

std::vector<double> matrixFrom(const nlohmann::json &rows, int64_t L, const std::string &key, const std::string &source)
{
    if (!rows.is_array() || static_cast<int64_t>(rows.size()) != L + 1)
        throw Error("'" + source + "': \"" + key + "\" must be a list of " + std::to_string(L + 1) + " rows");
    std::vector<double> m(static_cast<size_t>((L + 1) * (L + 1)), kNaN);
    for (int64_t n = 0; n <= L; ++n) {
        const auto &row = rows[static_cast<size_t>(n)];
        if (!row.is_array() || static_cast<int64_t>(row.size()) != L + 1)
            throw Error("'" + source + "': \"" + key + "\" row " + std::to_string(n) + " must hold " +
                        std::to_string(L + 1) + " values");
        for (int64_t l = 0; l <= L; ++l) {
            const auto &v = row[static_cast<size_t>(l)];
            if (v.is_number())
                m[static_cast<size_t>(n * (L + 1) + l)] = v.get<double>();
            else if (!v.is_null())
                throw Error("'" + source + "': \"" + key + "\" holds a value that is neither a number nor null");
        }
    }
    return m;
}

}  // namespace

std::string distanceMetricName(DistanceMetric metric)
{
    return metric == DistanceMetric::AllTokens ? "all_token_distance" : "angular_distance";
}

DistanceMetric parseDistanceMetric(const std::string &name)
{
    for (const DistanceMetric m : {DistanceMetric::Angular, DistanceMetric::AllTokens})
        if (name == distanceMetricName(m))
            return m;
    throw Error("unknown distance metric '" + name + "' (angular_distance or all_token_distance)");
}

double LayerDistances::angularAt(int64_t n, int64_t l) const
{
    return at(angular, numLayers, n, l);
}

double LayerDistances::allTokensAt(int64_t n, int64_t l) const
{
    return at(allTokens, numLayers, n, l);
}

int64_t LayerDistances::optimalStart(int64_t n) const
{
    return argminOverStarts(angular, numLayers, n);
}

int64_t LayerDistances::optimalAllTokensStart(int64_t n) const
{
    return argminOverStarts(allTokens, numLayers, n);
}

nlohmann::ordered_json distancesToJson(const LayerDistances &d)
{
    const int64_t L = d.numLayers;
    nlohmann::ordered_json j;
    j["num_layers"] = L;
    j["sample_count"] = d.samples;
    j["token_count"] = d.tokens;
    j[distanceMetricName(DistanceMetric::Angular)] = matrixJson(d.angular, L);
    nlohmann::ordered_json optimal = nlohmann::ordered_json::array();
    for (int64_t n = 0; n <= L; ++n) {
        const int64_t l = d.optimalStart(n);
        optimal.push_back(l < 0 ? nlohmann::ordered_json() : nlohmann::ordered_json(l));
    }
    j["optimal_start"] = optimal;
    j["block_influence"] = d.blockInfluence;
    j[distanceMetricName(DistanceMetric::AllTokens)] = matrixJson(d.allTokens, L);
    return j;
}

std::string distancesToCsv(const LayerDistances &d)
{
    std::ostringstream csv;
    csv.precision(9);
    csv << "block_size,start_layer,first_dropped,last_dropped,angular_distance,all_token_distance\n";
    for (int64_t n = 1; n <= d.numLayers; ++n)
        for (int64_t l = 0; l + n <= d.numLayers; ++l)
            csv << n << ',' << l << ',' << l << ',' << l + n - 1 << ',' << d.angularAt(n, l) << ','
                << d.allTokensAt(n, l) << '\n';
    return csv.str();
}

LayerDistances distancesFromJson(const nlohmann::json &j, const std::string &source)
{
    if (!j.is_object() || !j.contains("num_layers") || !j["num_layers"].is_number_integer())
        throw Error("'" + source + "': not a LayerCut distances file (no \"num_layers\")");
    LayerDistances d;
    d.numLayers = j["num_layers"].get<int64_t>();
    if (d.numLayers <= 0 || d.numLayers > 100000)
        throw Error("'" + source + "': \"num_layers\" is out of range");
    d.samples = j.value("sample_count", int64_t{0});
    d.tokens = j.value("token_count", int64_t{0});
    for (const auto &[metric, matrix] :
         {std::pair{DistanceMetric::Angular, &d.angular}, std::pair{DistanceMetric::AllTokens, &d.allTokens}}) {
        const std::string key = distanceMetricName(metric);
        *matrix = matrixFrom(j.value(key, nlohmann::json()), d.numLayers, key, source);
    }
    const auto &bi = j.value("block_influence", nlohmann::json());
    if (!bi.is_array() || static_cast<int64_t>(bi.size()) != d.numLayers)
        throw Error("'" + source + "': \"block_influence\" must hold one value per layer");
    for (const auto &v : bi)
        d.blockInfluence.push_back(v.is_number() ? v.get<double>() : kNaN);
    return d;
}

}  // namespace lc
