// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/optimizer.h"

#include <cmath>

namespace lc {
namespace {

/** The step's accumulated gradient in float32 (undefined when the tensor got none). */
const at::Tensor &accumulatedGradient(const Trainable &t)
{
    return t.param.scalar_type() == at::kFloat ? t.param.grad() : t.gradSum;
}

}  // namespace

at::Tensor floatMaster(const at::Tensor &t)
{
    return t.scalar_type() == at::kFloat ? t : t.detach().to(at::kFloat).clone();
}

void accumulateGradients(std::vector<Trainable> &trainables)
{
    c10::NoGradGuard noGrad;
    for (Trainable &t : trainables) {
        if (t.param.scalar_type() == at::kFloat)
            continue;
        at::Tensor &g = t.param.mutable_grad();  // same shape as param, compute dtype
        if (!g.defined())
            continue;
        if (t.gradSum.defined())
            t.gradSum.add_(g);  // float32 += bf16/f16, computed in float32
        else
            t.gradSum = g.to(at::kFloat);
        g = at::Tensor();  // undefined: the next backward stores its gradient here instead of adding in bf16
    }
}

double gradNorm(const std::vector<Trainable> &trainables)
{
    at::Tensor sum;
    for (const Trainable &t : trainables) {
        const at::Tensor &g = accumulatedGradient(t);
        if (!g.defined())
            continue;
        const at::Tensor s = g.pow(2).sum();  // on g's device: a spread model's adapters live on several
        sum = sum.defined() ? sum + s.to(sum.device()) : s;
    }
    return sum.defined() ? std::sqrt(sum.item<double>()) : 0.0;
}

void adamwStep(std::vector<Trainable> &trainables, const HealingConfig &c, double lr, int64_t step, double gradScale)
{
    c10::NoGradGuard noGrad;
    const double bc1 = 1.0 - std::pow(c.beta1, static_cast<double>(step));
    const double bc2 = 1.0 - std::pow(c.beta2, static_cast<double>(step));
    for (Trainable &t : trainables) {
        at::Tensor g = accumulatedGradient(t);  // float32
        if (!g.defined())
            continue;
        if (gradScale != 1.0)
            g = g * gradScale;
        if (!t.expAvg.defined()) {
            t.expAvg = at::zeros_like(t.master);
            t.expAvgSq = at::zeros_like(t.master);
        }
        if (c.weightDecay > 0)
            t.master.mul_(1.0 - lr * c.weightDecay);
        t.expAvg.mul_(c.beta1).add_(g, 1.0 - c.beta1);
        t.expAvgSq.mul_(c.beta2).addcmul_(g, g, 1.0 - c.beta2);
        const at::Tensor denom = (t.expAvgSq.sqrt() / std::sqrt(bc2)).add_(c.epsilon);
        t.master.addcdiv_(t.expAvg, denom, -lr / bc1);
        if (!t.param.is_same(t.master))
            t.param.copy_(t.master);
    }
}

void zeroGrads(std::vector<Trainable> &trainables)
{
    for (Trainable &t : trainables) {
        t.param.mutable_grad() = at::Tensor();
        t.gradSum = at::Tensor();
    }
}

}  // namespace lc
