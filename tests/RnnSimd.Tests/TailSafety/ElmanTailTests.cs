using RnnSimd.Tests.Infrastructure;
using Xunit.Sdk;

namespace RnnSimd.Tests.TailSafety;

/// <summary>
/// Whole forwards with every caller buffer exactly sized and flush against a guard page: the public
/// entry points hand user memory to the kernels, so their tails are the ones that matter. Forward
/// and Step take different routes (one hoisted projection vs one per step; a caller buffer vs the
/// session's own) and must still agree bit for bit.
/// </summary>
public class ElmanTailTests
{
    private const int Steps = 3;
    private const int MaxBatch = 7;
    private static readonly int[] Batches = [1, 2, MaxBatch];

    public static TheoryData<SimdPath> Paths => TailCheck.Paths();

    /// <summary>How h_0 is given: zeros by omission, a separate buffer, or the finalState buffer itself.</summary>
    private enum Initial { Empty, Given, SharedWithFinal }

    private static readonly Initial[] Initials = [Initial.Empty, Initial.Given, Initial.SharedWithFinal];

    /// <summary>Sizes around the lane count, plus one with four panels or more so that the 1-row × 4-panel tile runs in Step.</summary>
    private static int[] SizesAround(int lanes, bool wide)
    {
        var sizes = new List<int> { 1, lanes - 1, lanes, lanes + 1, 2 * lanes + 1 };
        if (wide)
            sizes.Add(6 * lanes + 1);
        return sizes.Where(s => s >= 1).Distinct().ToArray();
    }

    [Theory, MemberData(nameof(Paths))]
    public void Layer(SimdPath path)
    {
        int lanes = Isa.Lanes(path);
        int[] inputs = SizesAround(lanes, wide: false);
        int[] hiddens = SizesAround(lanes, wide: true);
        int maxX = inputs.Max(), maxH = hiddens.Max();
        using var buffers = new Buffers(maxX, maxH, maxH);

        foreach (int x in inputs)
        foreach (int h in hiddens)
        foreach (var nonlinearity in new[] { Nonlinearity.Tanh, Nonlinearity.Relu })
        foreach (bool withBias in new[] { false, true })
        {
            float scale = 1f / MathF.Sqrt(x + h);
            float[] wIh = TailCheck.Values(h * x, seed: 11 * x + h, scale);
            float[] wHh = TailCheck.Values(h * h, seed: 13 * h + x, scale);
            float[] bIh = withBias ? TailCheck.Values(h, seed: 17 * h, 0.5f) : [];
            float[] bHh = withBias ? TailCheck.Values(h, seed: 19 * h, 0.5f) : [];
            using var layer = ElmanLayer.Create(x, h, wIh, wHh, bIh, bHh, nonlinearity, path);
            var session = layer.CreateSession(Steps, MaxBatch);

            foreach (int batch in Batches)
            foreach (var side in TailCheck.Sides)
            foreach (var initial in Initials)
            {
                string context = $"Layer {path} X={x} H={h} {nonlinearity} bias={withBias} B={batch} {side}-guarded h0={initial}";
                float[] xValues = TailCheck.Values(Steps * batch * x, seed: 23 * batch + x);
                float[] h0 = initial == Initial.Empty ? new float[batch * h] : TailCheck.Values(batch * h, seed: 29 * batch + h);

                var (output, finalState) = buffers.RunForward(context, side, xValues, batch, h, h, initial, h0,
                    (xs, o, f, i) => session.Forward(xs, Steps, batch, o, f, i));

                var expected = ReferenceLayer(x, h, batch, wIh, wHh, bIh, bHh, nonlinearity, xValues, h0);
                for (int e = 0; e < expected.Values.Length; e++)
                {
                    if (!(Math.Abs(output[e] - expected.Values[e]) <= 1e-4 * (1 + expected.Magnitudes[e])))
                        throw new XunitException($"{context}: output[{e}] = {output[e]:R}, reference {expected.Values[e]:R}.");
                }

                if (initial == Initial.Empty) session.Reset(batch); else session.Reset(h0, batch);
                buffers.RunSteps(context, side, xValues, batch, x, h, output, (xs, o) => session.Step(xs, o));
                TailCheck.AssertBitEqual(finalState, session.State, context + " (Step state vs Forward finalState)");
            }
        }
    }

    [Theory, MemberData(nameof(Paths))]
    public void Network(SimdPath path)
    {
        int lanes = Isa.Lanes(path);
        int[] inputs = SizesAround(lanes, wide: false).Where(s => s != lanes - 1).ToArray();
        int[] hiddens = SizesAround(lanes, wide: true);
        int[] outputs = SizesAround(lanes, wide: true);
        using var buffers = new Buffers(inputs.Max(), hiddens.Max(), outputs.Max());

        foreach (int x in inputs)
        foreach (int h in hiddens)
        foreach (int y in outputs)
        {
            float scale = 1f / MathF.Sqrt(x + h);
            float[] wXh = TailCheck.Values(x * h, seed: 31 * x + h, scale);
            float[] wHh = TailCheck.Values(h * h, seed: 37 * h + x, scale);
            float[] bH = TailCheck.Values(h, seed: 41 * h, 0.5f);
            float[] wHy = TailCheck.Values(h * y, seed: 43 * h + y, 1f / MathF.Sqrt(h));
            float[] bY = TailCheck.Values(y, seed: 47 * y, 0.5f);
            using var network = ElmanNetwork.Create(x, h, y, wXh, wHh, bH, wHy, bY, path);
            var session = network.CreateSession(Steps, MaxBatch);

            foreach (int batch in Batches)
            foreach (var side in TailCheck.Sides)
            foreach (var initial in Initials)
            {
                string context = $"Network {path} X={x} H={h} Y={y} B={batch} {side}-guarded h0={initial}";
                float[] xValues = TailCheck.Values(Steps * batch * x, seed: 53 * batch + x);
                float[] h0 = initial == Initial.Empty ? new float[batch * h] : TailCheck.Values(batch * h, seed: 59 * batch + h);

                var (output, finalState) = buffers.RunForward(context, side, xValues, batch, h, y, initial, h0,
                    (xs, o, f, i) => session.Forward(xs, Steps, batch, o, f, i));

                var expected = ReferenceNetwork(x, h, y, batch, wXh, wHh, bH, wHy, bY, xValues, h0);
                for (int e = 0; e < expected.Values.Length; e++)
                {
                    if (!(Math.Abs(output[e] - expected.Values[e]) <= 1e-4 * (1 + expected.Magnitudes[e])))
                        throw new XunitException($"{context}: outputs[{e}] = {output[e]:R}, reference {expected.Values[e]:R}.");
                }

                if (initial == Initial.Empty) session.Reset(batch); else session.Reset(h0, batch);
                buffers.RunSteps(context, side, xValues, batch, x, y, output, (xs, o) => session.Step(xs, o));
                TailCheck.AssertBitEqual(finalState, session.State, context + " (Step state vs Forward finalState)");
            }
        }
    }

    public delegate void ForwardCall(ReadOnlySpan<float> x, Span<float> output, Span<float> finalState, ReadOnlySpan<float> initialState);

    public delegate void StepCall(ReadOnlySpan<float> x, Span<float> output);

    /// <summary>One guarded mapping per argument, re-placed exactly for each shape.</summary>
    private sealed class Buffers(int maxX, int maxH, int maxWidth) : IDisposable
    {
        private readonly GuardedBuffer _x = new(0, GuardSide.End, Steps * MaxBatch * maxX);
        private readonly GuardedBuffer _output = new(0, GuardSide.End, Steps * MaxBatch * maxWidth);
        private readonly GuardedBuffer _final = new(0, GuardSide.End, MaxBatch * maxH);
        private readonly GuardedBuffer _initial = new(0, GuardSide.End, MaxBatch * maxH);
        private readonly GuardedBuffer _stepX = new(0, GuardSide.End, MaxBatch * maxX);
        private readonly GuardedBuffer _stepOutput = new(0, GuardSide.End, MaxBatch * maxWidth);

        /// <summary>Runs a Forward on exactly sized guarded arguments; returns copies of output and finalState.</summary>
        public (float[] Output, float[] FinalState) RunForward(string context, GuardSide side, float[] xValues, int batch, int h, int width,
            Initial initial, float[] h0, ForwardCall forward)
        {
            Span<float> x = TailCheck.PlaceWith(_x, xValues, side);
            _output.Place(Steps * batch * width, side);
            Span<float> final;
            ReadOnlySpan<float> init;
            switch (initial)
            {
                case Initial.Empty:
                    _final.Place(batch * h, side);
                    final = _final.Span;
                    init = default;
                    break;
                case Initial.Given:
                    _final.Place(batch * h, side);
                    final = _final.Span;
                    init = TailCheck.PlaceWith(_initial, h0, side);
                    break;
                default:
                    final = TailCheck.PlaceWith(_final, h0, side);
                    init = final;
                    break;
            }

            forward(x, _output.Span, final, init);

            TailCheck.AssertBitEqual(xValues, _x.Span, context + " (x modified)");
            if (initial == Initial.Given)
                TailCheck.AssertBitEqual(h0, _initial.Span, context + " (initialState modified)");
            TailCheck.AssertSlackIntact(context, _x, _output, _final);
            if (initial == Initial.Given)
                TailCheck.AssertSlackIntact(context + " (initialState)", _initial);
            return (_output.Span.ToArray(), _final.Span.ToArray());
        }

        /// <summary>Runs the sequence again one Step at a time, each on exactly sized guarded buffers, and compares with Forward's output bit for bit.</summary>
        public void RunSteps(string context, GuardSide side, float[] xValues, int batch, int x, int width, float[] forwardOutput, StepCall step)
        {
            for (int t = 0; t < Steps; t++)
            {
                string at = $"{context} step {t}";
                Span<float> xt = TailCheck.PlaceWith(_stepX, xValues.AsSpan(t * batch * x, batch * x), side);
                _stepOutput.Place(batch * width, side);
                step(xt, _stepOutput.Span);
                TailCheck.AssertBitEqual(forwardOutput.AsSpan(t * batch * width, batch * width), _stepOutput.Span, at + " (Step vs Forward)");
                TailCheck.AssertSlackIntact(at, _stepX, _stepOutput);
            }
        }

        public void Dispose()
        {
            _x.Dispose();
            _output.Dispose();
            _final.Dispose();
            _initial.Dispose();
            _stepX.Dispose();
            _stepOutput.Dispose();
        }
    }

    private readonly record struct Reference(double[] Values, double[] Magnitudes);

    /// <summary>h_t = act(x_t·W_ihᵀ + b_ih + h_{t-1}·W_hhᵀ + b_hh), PyTorch's layout, in double.</summary>
    private static Reference ReferenceLayer(int x, int h, int batch, float[] wIh, float[] wHh, float[] bIh, float[] bHh,
        Nonlinearity nonlinearity, float[] xs, float[] h0)
    {
        var values = new double[Steps * batch * h];
        var magnitudes = new double[values.Length];
        double[] prev = h0.Select(v => (double)v).ToArray();
        for (int t = 0; t < Steps; t++)
        {
            var next = new double[batch * h];
            for (int b = 0; b < batch; b++)
            {
                for (int j = 0; j < h; j++)
                {
                    double sum = 0, magnitude = 0;
                    for (int i = 0; i < x; i++)
                        Accumulate(ref sum, ref magnitude, (double)xs[(t * batch + b) * x + i] * wIh[j * x + i]);
                    for (int i = 0; i < h; i++)
                        Accumulate(ref sum, ref magnitude, prev[b * h + i] * wHh[j * h + i]);
                    if (bIh.Length > 0)
                    {
                        Accumulate(ref sum, ref magnitude, bIh[j]);
                        Accumulate(ref sum, ref magnitude, bHh[j]);
                    }
                    next[b * h + j] = nonlinearity == Nonlinearity.Tanh ? Math.Tanh(sum) : Math.Max(sum, 0);
                    values[(t * batch + b) * h + j] = next[b * h + j];
                    magnitudes[(t * batch + b) * h + j] = magnitude;
                }
            }
            prev = next;
        }
        return new Reference(values, magnitudes);
    }

    /// <summary>h_t = tanh(h_{t-1}·W_hh + x_t·W_xh + b_h), y_t = h_t·W_hy + b_y, row convention, in double.</summary>
    private static Reference ReferenceNetwork(int x, int h, int y, int batch, float[] wXh, float[] wHh, float[] bH,
        float[] wHy, float[] bY, float[] xs, float[] h0)
    {
        var values = new double[Steps * batch * y];
        var magnitudes = new double[values.Length];
        double[] prev = h0.Select(v => (double)v).ToArray();
        for (int t = 0; t < Steps; t++)
        {
            var next = new double[batch * h];
            for (int b = 0; b < batch; b++)
            {
                for (int j = 0; j < h; j++)
                {
                    double sum = bH[j];
                    for (int i = 0; i < x; i++)
                        sum += (double)xs[(t * batch + b) * x + i] * wXh[i * h + j];
                    for (int i = 0; i < h; i++)
                        sum += prev[b * h + i] * wHh[i * h + j];
                    next[b * h + j] = Math.Tanh(sum);
                }
                for (int j = 0; j < y; j++)
                {
                    double sum = 0, magnitude = 0;
                    Accumulate(ref sum, ref magnitude, bY[j]);
                    for (int i = 0; i < h; i++)
                        Accumulate(ref sum, ref magnitude, next[b * h + i] * wHy[i * y + j]);
                    values[(t * batch + b) * y + j] = sum;
                    // The hidden state's own float error (≤ ~1e-6 per element) passes through W_hy: counted by its weight.
                    magnitudes[(t * batch + b) * y + j] = magnitude + Enumerable.Range(0, h).Sum(i => Math.Abs((double)wHy[i * y + j]));
                }
            }
            prev = next;
        }
        return new Reference(values, magnitudes);
    }

    private static void Accumulate(ref double sum, ref double magnitude, double term)
    {
        sum += term;
        magnitude += Math.Abs(term);
    }
}
