// SPDX-License-Identifier: GPL-3.0-or-later
// The forward pass's custom autograd functions (torch::autograd::Function). With
// train/chunked_cross_entropy.cpp one of the two translation units that include the autograd headers;
// everything else sees plain functions.
#include "model/autograd_functions.h"

#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/custom_function.h>

#include "model/nf4.h"

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

}  // namespace

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

}  // namespace lc
