// SPDX-License-Identifier: GPL-3.0-or-later
// The chunked loss as a custom autograd function (torch::autograd::Function); with
// model/autograd_functions.cpp one of the two translation units that include the autograd headers.
#include "train/chunked_cross_entropy.h"

#include <algorithm>
#include <vector>

#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/custom_function.h>

namespace lc {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

at::Tensor chunkLoss(const at::Tensor &hidden, const at::Tensor &lmHead, const at::Tensor &targets, double softcap)
{
    at::Tensor logits = at::linear(hidden, lmHead).to(at::kFloat);  // (n, V)
    if (softcap > 0)
        logits = at::tanh(logits / softcap) * softcap;
    return at::nll_loss(at::log_softmax(logits, -1), targets, {}, at::Reduction::Sum, -100);
}

struct ChunkedLossFunction : torch::autograd::Function<ChunkedLossFunction>
{
    static at::Tensor forward(AutogradContext *ctx, const at::Tensor &hidden, const at::Tensor &lmHead,
                              const at::Tensor &targets, int64_t chunk, double softcap)
    {
        ctx->save_for_backward({hidden, lmHead, targets});
        ctx->saved_data["chunk"] = chunk;
        ctx->saved_data["softcap"] = softcap;
        at::Tensor total = at::zeros({}, hidden.options().dtype(at::kFloat));
        for (int64_t start = 0; start < hidden.size(0); start += chunk) {
            const int64_t n = std::min(chunk, hidden.size(0) - start);
            total += chunkLoss(hidden.narrow(0, start, n), lmHead, targets.narrow(0, start, n), softcap);
        }
        return total;
    }

    static variable_list backward(AutogradContext *ctx, variable_list grads)
    {
        const variable_list saved = ctx->get_saved_variables();
        const at::Tensor &hidden = saved[0], &lmHead = saved[1], &targets = saved[2];
        const int64_t chunk = ctx->saved_data["chunk"].toInt();
        const double softcap = ctx->saved_data["softcap"].toDouble();
        const bool wantHead = lmHead.requires_grad();
        std::vector<at::Tensor> hiddenGrads;
        at::Tensor headGrad = wantHead ? at::zeros_like(lmHead, at::kFloat) : at::Tensor();
        for (int64_t start = 0; start < hidden.size(0); start += chunk) {
            const int64_t n = std::min(chunk, hidden.size(0) - start);
            at::Tensor h = hidden.narrow(0, start, n).detach().requires_grad_(true);
            at::Tensor w = wantHead ? lmHead.detach().requires_grad_(true) : lmHead.detach();
            at::Tensor loss;
            {
                at::AutoGradMode recording(true);
                loss = chunkLoss(h, w, targets.narrow(0, start, n), softcap);
            }
            variable_list inputs{h};
            if (wantHead)
                inputs.push_back(w);
            const variable_list g = torch::autograd::grad({loss}, inputs, {grads[0]});
            hiddenGrads.push_back(g[0]);
            if (wantHead)
                headGrad += g[1].to(at::kFloat);
        }
        return {at::cat(hiddenGrads, 0), wantHead ? headGrad.to(lmHead.scalar_type()) : at::Tensor(), at::Tensor(),
                at::Tensor(), at::Tensor()};
    }
};

}  // namespace

at::Tensor chunkedCrossEntropySum(const at::Tensor &hidden, const at::Tensor &lmHead, const at::Tensor &targets,
                                  int64_t chunk, double softcap)
{
    return ChunkedLossFunction::apply(hidden, lmHead, targets, std::max<int64_t>(1, chunk), softcap);
}

}  // namespace lc
