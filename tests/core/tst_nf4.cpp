// SPDX-License-Identifier: GPL-3.0-or-later
// NF4 quantisation against its definition (bitsandbytes / QLoRA): the code table, nibble order, the
// round-trip error bound implied by the code values, double quantisation of the scales, and the NF4
// linear layer (forward and input gradient) against the same layer with the dequantised weight.
// This test reaches into core/src, so it includes torch: Qt's keywords are off (QT_NO_KEYWORDS).
#include "model/autograd_functions.h"
#include "model/nf4.h"
#include "train/chunked_cross_entropy.h"

#include <QTest>

using namespace lc;

namespace {

/** Half the largest gap between neighbouring NF4 codes: the worst rounding error for a scaled value. */
double maxHalfGap()
{
    const at::Tensor c = nf4CodeValues();
    return ((c.narrow(0, 1, 15) - c.narrow(0, 0, 15)).max().item<double>()) / 2;
}

/** LAYERCUT_TEST_DEVICE=cuda quantises on the GPU and dequantises with our kernel. */
at::Device testDevice()
{
    const char *device = std::getenv("LAYERCUT_TEST_DEVICE");
    return device ? at::Device(device) : at::Device(at::kCPU);
}

at::Tensor randomWeight(std::vector<int64_t> shape, uint64_t seed)
{
    at::manual_seed(seed);
    return (at::randn(shape) * 0.02).to(testDevice());
}

/** The same quantised weight on the CPU, where ATen ops dequantise it. */
Nf4Weight onCpu(Nf4Weight q)
{
    q.packed = q.packed.cpu();
    q.absmax = q.absmax.cpu();
    if (q.absmax2.defined())
        q.absmax2 = q.absmax2.cpu();
    return q;
}

}  // namespace

class TestNf4 final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void codeTable()
    {
        const at::Tensor c = nf4CodeValues();
        QCOMPARE(c.numel(), 16);
        QCOMPARE(c[0].item<float>(), -1.0f);
        QCOMPARE(c[7].item<float>(), 0.0f);
        QCOMPARE(c[15].item<float>(), 1.0f);
        QVERIFY((c.narrow(0, 1, 15) > c.narrow(0, 0, 15)).all().item<bool>());
    }

    void exactCodesRoundTripAndHighNibbleFirst()
    {
        // A block holding code values × 0.5 comes back exactly; element 0 (code 0) sits in the high nibble.
        const at::Tensor codes = at::tensor({0, 15, 7, 8, 3, 12, 1, 14}, at::kLong).repeat({8});  // 64 values
        const at::Tensor w = (nf4CodeValues().index_select(0, codes) * 0.5f).view({2, 32});
        const Nf4Weight q = quantizeNf4(w, /*doubleQuantization=*/false);
        QCOMPARE(q.packed.numel(), 32);
        QCOMPARE(int(q.packed[0].item<uint8_t>()), 0x0F);
        QCOMPARE(int(q.packed[1].item<uint8_t>()), 0x78);
        QCOMPARE(q.absmax.item<float>(), 0.5f);
        QVERIFY(at::equal(dequantizeNf4(q), w));
    }

    void roundTripWithinCodeBound_data()
    {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("cols");
        QTest::addColumn<bool>("doubleQuant");
        QTest::newRow("blocks of 64") << 96 << 160 << false;
        QTest::newRow("double quantised") << 96 << 160 << true;
        QTest::newRow("odd size, partial last block") << 7 << 9 << false;
        QTest::newRow("odd size, double quantised") << 33 << 301 << true;
    }

    void roundTripWithinCodeBound()
    {
        QFETCH(int, rows);
        QFETCH(int, cols);
        QFETCH(bool, doubleQuant);
        const at::Tensor w = randomWeight({rows, cols}, 7).cpu();
        const Nf4Weight q = onCpu(quantizeNf4(w.to(testDevice()), doubleQuant));
        QCOMPARE(q.shape, (std::vector<int64_t>{rows, cols}));
        QCOMPARE(q.packed.numel(), (int64_t(rows) * cols + 1) / 2);
        QCOMPARE(q.doubleQuantized(), doubleQuant);
        const at::Tensor back = dequantizeNf4(q);
        QCOMPARE(back.sizes().vec(), w.sizes().vec());

        // Per element: |w − ŵ| ≤ s·maxHalfGap + |s − ŝ|, with s the block's true absmax and ŝ the stored one.
        const int64_t n = w.numel(), blocks = (n + 63) / 64;
        at::Tensor flat = at::cat({w.reshape(-1), at::zeros({blocks * 64 - n})}).view({blocks, 64});
        const at::Tensor trueScale = flat.abs().amax(1);
        const at::Tensor stored = nf4Absmax(q);
        const at::Tensor scaleError = (trueScale - stored).abs();
        const at::Tensor bound = (trueScale * maxHalfGap() + scaleError + 1e-7).repeat_interleave(64).narrow(0, 0, n);
        const at::Tensor error = (w - back).abs().reshape(-1);
        QVERIFY2((error <= bound).all().item<bool>(),
                 qPrintable(QStringLiteral("max excess %1").arg((error - bound).max().item<double>())));
        if (doubleQuant)  // 8-bit scales: within a percent of the true ones
            QVERIFY((scaleError / trueScale).max().item<double>() < 0.01);
        else
            QVERIFY(at::equal(stored, trueScale));
        // The typical error is far below the worst case (NF4 is dense near zero).
        QVERIFY(error.mean().item<double>() < 0.1 * trueScale.mean().item<double>());
    }

    void kernelMatchesAten_data()
    {
        QTest::addColumn<int>("dtype");
        QTest::addColumn<bool>("doubleQuant");
        QTest::addColumn<int>("cols");
        QTest::newRow("float32") << int(at::kFloat) << false << 4096;
        QTest::newRow("bfloat16, double quantised") << int(at::kBFloat16) << true << 4096;
        QTest::newRow("float16, odd size") << int(at::kHalf) << true << 301;
    }

    void kernelMatchesAten()
    {
        if (!testDevice().is_cuda())
            QSKIP("LAYERCUT_TEST_DEVICE is not cuda: the kernel is for the GPU");
        QFETCH(int, dtype);
        QFETCH(bool, doubleQuant);
        QFETCH(int, cols);
        const at::Tensor w = randomWeight({67, cols}, 11).to(static_cast<at::ScalarType>(dtype));
        const Nf4Weight q = quantizeNf4(w, doubleQuant);
        const at::Tensor gpu = dequantizeNf4(q).cpu();
        const at::Tensor cpu = dequantizeNf4(onCpu(q));
        QCOMPARE(gpu.scalar_type(), static_cast<at::ScalarType>(dtype));
        QVERIFY(at::equal(gpu, cpu));
        // Quantising on the GPU gives the CPU's codes.
        const Nf4Weight qc = quantizeNf4(w.cpu(), doubleQuant);
        QVERIFY(at::equal(q.packed.cpu(), qc.packed));
    }

    void dynamicCodeIsBitsandbytes()
    {
        const at::Tensor c = dynamicCode8();
        QCOMPARE(c.numel(), 256);
        QVERIFY((c.narrow(0, 1, 255) > c.narrow(0, 0, 255)).all().item<bool>());
        QCOMPARE(c[255].item<float>(), 1.0f);
        // The largest magnitude below 1: the midpoint of the last two of 65 steps from 0.1 to 1.
        QVERIFY(std::abs(c[0].item<float>() + 0.99296875f) < 1e-6f);
        QCOMPARE((c == 0).sum().item<int64_t>(), 1);
        QCOMPARE((c > 0).sum().item<int64_t>(), 128);                // 127 fractions and 1.0
        QVERIFY(std::abs(c[128].item<float>() - 5.5e-7f) < 1e-12f);  // 10^-6 · (0.1 + 1)/2, the smallest step
    }

    void linearMatchesDequantizedWeight()
    {
        const at::Tensor w = randomWeight({48, 64}, 3);
        const at::Tensor bias = at::randn({48}).to(testDevice());
        const Nf4Weight q = quantizeNf4(w, true);
        const at::Tensor dense = dequantizeNf4(q);
        for (const bool keep : {false, true}) {
            const at::Tensor x1 = at::randn({2, 5, 64}).to(testDevice()).requires_grad_(true);
            const at::Tensor x2 = x1.detach().clone().requires_grad_(true);
            const at::Tensor y1 = nf4Linear(x1, q, bias, keep);
            const at::Tensor y2 = at::linear(x2, dense, bias);
            QVERIFY(at::allclose(y1, y2, 0, 0));
            const at::Tensor g = at::randn_like(y1);
            y1.backward(g);
            y2.backward(g);
            QVERIFY(at::allclose(x1.grad(), x2.grad(), 1e-6, 1e-7));
        }
    }

    void checkpointedBlockGivesTheSameGradients()
    {
        const at::Tensor w = at::randn({16, 16}).requires_grad_(true);
        const auto block = [&](const at::Tensor &x) { return at::tanh(at::linear(x, w)) * 2; };
        const at::Tensor x = at::randn({4, 16});
        block(x).pow(2).sum().backward();
        const at::Tensor plain = w.grad().clone();
        w.mutable_grad() = at::Tensor();
        checkpointed(block, x, {w}).pow(2).sum().backward();
        QVERIFY(at::allclose(w.grad(), plain, 1e-6, 1e-7));
    }

    void chunkedLossEqualsFullLoss()
    {
        const at::Tensor h = at::randn({10, 8}).requires_grad_(true);
        const at::Tensor head = at::randn({30, 8}).requires_grad_(true);
        at::Tensor targets = at::randint(30, {10}, at::kLong);
        targets[3] = -100;
        const at::Tensor chunked = chunkedCrossEntropySum(h, head, targets, 3);
        const at::Tensor full =
            at::nll_loss(at::log_softmax(at::linear(h, head), -1), targets, {}, at::Reduction::Sum, -100);
        QVERIFY(at::allclose(chunked, full, 1e-5, 1e-6));
        chunked.backward();
        const at::Tensor gh = h.grad().clone(), gw = head.grad().clone();
        h.mutable_grad() = at::Tensor();
        head.mutable_grad() = at::Tensor();
        full.backward();
        QVERIFY(at::allclose(gh, h.grad(), 1e-5, 1e-6));
        QVERIFY(at::allclose(gw, head.grad(), 1e-5, 1e-6));
    }
};

QTEST_APPLESS_MAIN(TestNf4)
#include "tst_nf4.moc"
