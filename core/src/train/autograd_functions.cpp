// SPDX-License-Identifier: GPL-3.0-or-later
// Custom autograd functions (torch::autograd::Function). This is the one translation unit that includes
// the autograd headers; everything else sees plain functions.
#include "train/autograd_functions.h"

#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/custom_function.h>

#include "train/nf4.h"

namespace lc {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

/** Non-tensor state travels through the autograd context as a capsule. */
template <typename T>
struct Holder : torch::CustomClassHolder
{
    explicit Holder(T v) : value(std::move(v)) {}
    T value;
};

template <typename T>
c10::IValue capsule(T value)
{
    return c10::IValue::make_capsule(c10::make_intrusive<Holder<T>>(std::move(value)));
}

template <typename T>
const T &fromCapsule(const c10::IValue &v)
{
    return static_cast<const Holder<T> *>(v.toCapsule().get())->value;
}

struct Nf4LinearFunction : torch::autograd::Function<Nf4LinearFunction>
{
    static at::Tensor forward(AutogradContext *ctx, const at::Tensor &x, const Nf4Weight *weight)
    {
        ctx->saved_data["weight"] = capsule(weight);
        return at::linear(x, dequantizeNf4(*weight));  // [out, in] weight
    }

    static variable_list backward(AutogradContext *ctx, variable_list grads)
    {
        const Nf4Weight *weight = fromCapsule<const Nf4Weight *>(ctx->saved_data["weight"]);
        // dL/dx = dL/dy · W: the weight is dequantised a second time rather than kept.
        return {at::matmul(grads[0], dequantizeNf4(*weight)), at::Tensor()};
    }
};

using BlockFn = std::function<at::Tensor(const at::Tensor &)>;

struct CheckpointFunction : torch::autograd::Function<CheckpointFunction>
{
    static at::Tensor forward(AutogradContext *ctx, const at::Tensor &x, at::TensorList params, BlockFn fn)
    {
        variable_list saved{x};
        saved.insert(saved.end(), params.begin(), params.end());
        ctx->save_for_backward(saved);
        ctx->saved_data["fn"] = capsule(std::move(fn));
        return fromCapsule<BlockFn>(ctx->saved_data["fn"])(x);  // forward() already runs without recording
    }

    static variable_list backward(AutogradContext *ctx, variable_list grads)
    {
        const variable_list saved = ctx->get_saved_variables();
        const BlockFn &fn = fromCapsule<BlockFn>(ctx->saved_data["fn"]);
        at::Tensor x = saved[0].detach();
        const bool wantX = saved[0].requires_grad();
        x.requires_grad_(wantX);
        at::Tensor out;
        {
            at::AutoGradMode recording(true);
            out = fn(x);
        }
        variable_list inputs;
        if (wantX)
            inputs.push_back(x);
        for (size_t i = 1; i < saved.size(); ++i)
            inputs.push_back(saved[i]);
        const variable_list g = torch::autograd::grad({out}, inputs, {grads[0]}, /*retain_graph=*/false,
                                                      /*create_graph=*/false, /*allow_unused=*/true);
        // One gradient per forward argument: x, each param, then none for fn.
        variable_list result;
        result.push_back(wantX ? g[0] : at::Tensor());
        for (size_t i = wantX ? 1 : 0; i < g.size(); ++i)
            result.push_back(g[i]);
        result.push_back(at::Tensor());
        return result;
    }
};

at::Tensor chunkLoss(const at::Tensor &hidden, const at::Tensor &lmHead, const at::Tensor &targets)
{
    const at::Tensor logits = at::linear(hidden, lmHead).to(at::kFloat);  // (n, V)
    return at::nll_loss(at::log_softmax(logits, -1), targets, {}, at::Reduction::Sum, -100);
}

struct ChunkedLossFunction : torch::autograd::Function<ChunkedLossFunction>
{
    static at::Tensor forward(AutogradContext *ctx, const at::Tensor &hidden, const at::Tensor &lmHead,
                              const at::Tensor &targets, int64_t chunk)
    {
        ctx->save_for_backward({hidden, lmHead, targets});
        ctx->saved_data["chunk"] = chunk;
        at::Tensor total = at::zeros({}, hidden.options().dtype(at::kFloat));
        for (int64_t start = 0; start < hidden.size(0); start += chunk) {
            const int64_t n = std::min(chunk, hidden.size(0) - start);
            total += chunkLoss(hidden.narrow(0, start, n), lmHead, targets.narrow(0, start, n));
        }
        return total;
    }

    static variable_list backward(AutogradContext *ctx, variable_list grads)
    {
        const variable_list saved = ctx->get_saved_variables();
        const at::Tensor &hidden = saved[0], &lmHead = saved[1], &targets = saved[2];
        const int64_t chunk = ctx->saved_data["chunk"].toInt();
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
                loss = chunkLoss(h, w, targets.narrow(0, start, n));
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
                at::Tensor()};
    }
};

} // namespace

at::Tensor nf4Linear(const at::Tensor &x, const Nf4Weight &w, const at::Tensor &bias, bool keepDequantized)
{
    if (keepDequantized || !at::GradMode::is_enabled() || !x.requires_grad()) {
        const at::Tensor dense = dequantizeNf4(w);
        return bias.defined() ? at::linear(x, dense, bias) : at::linear(x, dense);
    }
    // The (frozen) bias is added outside: an undefined tensor must not be an autograd input.
    const at::Tensor y = Nf4LinearFunction::apply(x, &w);
    return bias.defined() ? y + bias : y;
}

at::Tensor checkpointed(std::function<at::Tensor(const at::Tensor &)> fn, const at::Tensor &x,
                        const std::vector<at::Tensor> &params)
{
    // A TensorList, not a vector: only then does autograd count each parameter as an input.
    return CheckpointFunction::apply(x, at::TensorList(params), std::move(fn));
}

at::Tensor chunkedCrossEntropySum(const at::Tensor &hidden, const at::Tensor &lmHead, const at::Tensor &targets,
                                  int64_t chunk)
{
    return ChunkedLossFunction::apply(hidden, lmHead, targets, std::max<int64_t>(1, chunk));
}

} // namespace lc
