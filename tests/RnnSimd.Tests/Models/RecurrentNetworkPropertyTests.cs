using RnnSimd.Tests.Generators;
using RnnSimd.Tests.Reference;
using RnnSimd.Tests.Support;

namespace RnnSimd.Tests.Models;

/// <summary>The PyTorch family (RNN, GRU, LSTM; stacks, directions, lengths, layouts) against the double-precision oracle, on every SIMD path.</summary>
public class RecurrentNetworkPropertyTests
{
    /// <summary>What one Forward returns, in the caller's layout.</summary>
    public sealed record Outputs(float[] Output, float[] FinalHidden, float[] FinalCell);

    public static Outputs Run(RecurrentData d, RecurrentNetworkSession session, float[]? x = null)
    {
        RecurrentCase c = d.Case;
        RecurrentSpec spec = c.Spec;
        var output = new float[c.T * c.B * spec.OutputSize];
        var hn = new float[spec.StateCount * c.B * spec.HiddenOutputSize];
        var cn = spec.HasCellState ? new float[spec.StateCount * c.B * c.H] : [];
        session.Forward(x ?? d.CallX, c.T, c.B, output, hn, cn, d.InitialHidden, d.InitialCell, d.Lengths, c.BatchFirst);
        return new Outputs(output, hn, cn);
    }

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Forward_is_within_the_bound_of_the_oracle(SimdPath path)
    {
        // The whole-sequence bound is a worst case: it grows geometrically with every step and
        // layer an error passes through, so it is informative only for short, shallow networks —
        // these cases. Deep and long networks are covered by the one-step property (tight at any
        // depth) plus the bit-exact decompositions below. Most cases here must be tight.
        int cases = 0, informative = 0;
        Properties.Check(RecurrentCase.Arbitrary(maxSteps: 4, maxLayers: 2, scales: [0.5f]), c =>
        {
            cases++;
            var d = c.Data();
            using var network = d.Network(path);
            using var session = network.CreateSession(c.T, c.B);
            Outputs got = Run(d, session);

            RecurrentSpec spec = c.Spec;
            var want = d.Oracle().Forward(d.X, c.T, c.B, c.H0 ? d.InitialHidden : null, c.C0 ? d.InitialCell : null, d.LengthsOrNull);
            float[] output = c.BatchFirst ? RecurrentData.SwapTimeAndBatch(got.Output, c.B, c.T, spec.OutputSize) : got.Output;
            bool tight = Compare(output, want.Output, "output", spec.OutputSize)
                & Compare(got.FinalHidden, want.FinalHidden, "h_n", spec.HiddenOutputSize)
                & (!spec.HasCellState || Compare(got.FinalCell, want.FinalCell, "c_n", c.H));
            if (tight) informative++;
        });
        Assert.True(informative >= 0.7 * cases, $"Only {informative} of {cases} cases had tight bounds.");
    }

    /// <summary>Checks actual against the oracle where its bound is finite; returns whether the bound was informative everywhere.</summary>
    private static bool Compare(ReadOnlySpan<float> actual, Bounded[] expected, string what, int rowLength)
    {
        double[] values = expected.Select(b => b.V).ToArray();
        double[] bounds = expected.Select(b => b.E).ToArray();
        if (bounds.Any(e => !double.IsFinite(e)))
            return false;
        Expect.Within(actual, values, bounds, what, rowLength);
        return Expect.Informative(values, bounds);
    }

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Each_step_of_every_layer_is_within_the_one_step_bound(SimdPath path) =>
        Properties.Check(RecurrentCase.Arbitrary(unidirectionalOnly: true, noLengths: true), c =>
        {
            // The oracle is fed the engine's own state before each step (read with CopyState) and
            // the engine's output of the layer below: every layer's every step, with a tight bound.
            c = c with { BatchFirst = false };
            var d = c.Data();
            RecurrentSpec spec = c.Spec;
            using var network = d.Network(path);
            using var session = network.CreateSession(1, c.B);
            session.Reset(d.InitialHidden, d.InitialCell, c.B);
            var oracle = d.Oracle();
            int hOut = spec.HiddenOutputSize, h = c.H, layers = c.Layers;
            var hBefore = new float[layers * c.B * hOut];
            var cBefore = new float[spec.HasCellState ? layers * c.B * h : 0];
            var hAfter = new float[hBefore.Length];
            var cAfter = new float[cBefore.Length];
            var output = new float[c.B * hOut];
            for (int t = 0; t < c.T; t++)
            {
                session.CopyState(hBefore, cBefore);
                ReadOnlySpan<float> xt = d.X.AsSpan(t * c.B * c.X, c.B * c.X);
                session.Step(xt, output);
                session.CopyState(hAfter, cAfter);
                Expect.BitIdentical(output, hAfter.AsSpan((layers - 1) * c.B * hOut, c.B * hOut), "Step output vs top layer state");
                for (int layer = 0; layer < layers; layer++)
                {
                    for (int b = 0; b < c.B; b++)
                    {
                        ReadOnlySpan<float> input = layer == 0
                            ? xt.Slice(b * c.X, c.X)
                            : hAfter.AsSpan(((layer - 1) * c.B + b) * hOut, hOut);
                        var (wantH, wantC) = oracle.OneStep(layer, 0, input,
                            hBefore.AsSpan((layer * c.B + b) * hOut, hOut),
                            spec.HasCellState ? cBefore.AsSpan((layer * c.B + b) * h, h) : default);
                        string where = $"t={t}, layer {layer}, batch row {b}";
                        Assert.True(Compare(hAfter.AsSpan((layer * c.B + b) * hOut, hOut), wantH, $"h at {where}", hOut),
                            $"The one-step bound of h at {where} is not informative.");
                        if (spec.HasCellState)
                            Assert.True(Compare(cAfter.AsSpan((layer * c.B + b) * h, h), wantC, $"c at {where}", h),
                                $"The one-step bound of c at {where} is not informative.");
                    }
                }
            }
        });

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Forward_equals_repeated_Step_bit_for_bit(SimdPath path) =>
        Properties.Check(RecurrentCase.Arbitrary(unidirectionalOnly: true, noLengths: true), c =>
        {
            c = c with { BatchFirst = false };
            var d = c.Data();
            RecurrentSpec spec = c.Spec;
            using var network = d.Network(path);
            using var session = network.CreateSession(c.T, c.B);
            Outputs forward = Run(d, session);

            // h0 and c0 of Forward are (L, B, ·): exactly what Reset takes for a unidirectional stack.
            session.Reset(d.InitialHidden, d.InitialCell, c.B);
            int width = spec.HiddenOutputSize;
            var h = new float[c.B * width];
            for (int t = 0; t < c.T; t++)
            {
                session.Step(d.X.AsSpan(t * c.B * c.X, c.B * c.X), h);
                Expect.BitIdentical(h, forward.Output.AsSpan(t * c.B * width, c.B * width), $"Step {t} vs Forward");
            }
            var hn = new float[forward.FinalHidden.Length];
            var cn = new float[forward.FinalCell.Length];
            session.CopyState(hn, cn);
            Expect.BitIdentical(hn, forward.FinalHidden, "CopyState hidden vs h_n");
            Expect.BitIdentical(cn, forward.FinalCell, "CopyState cell vs c_n");
        });

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void A_stack_is_its_layers_and_directions_run_one_at_a_time(SimdPath path) =>
        Properties.Check(RecurrentCase.Arbitrary(), c =>
        {
            // Bit for bit: layer k reads [forward, backward] of layer k−1; the backward direction
            // is the forward recurrence over each sequence reversed within its own length.
            c = c with { BatchFirst = false };
            var d = c.Data();
            RecurrentSpec spec = c.Spec;
            using var network = d.Network(path);
            using var session = network.CreateSession(c.T, c.B);
            Outputs whole = Run(d, session);

            int directions = spec.Directions, hOut = spec.HiddenOutputSize;
            int[] lengths = d.LengthsOrNull ?? Enumerable.Repeat(c.T, c.B).ToArray();
            float[] input = d.X;
            int inputSize = c.X;
            var hn = new float[whole.FinalHidden.Length];
            var cn = new float[whole.FinalCell.Length];
            for (int layer = 0; layer < c.Layers; layer++)
            {
                var layerOutput = new float[c.T * c.B * spec.OutputSize];
                for (int direction = 0; direction < directions; direction++)
                {
                    int state = layer * directions + direction;
                    string suffix = $"_l{layer}{(direction == 1 ? "_reverse" : "")}";
                    var one = new RecurrentSpec(c.Cell, inputSize, c.H, 1, false, c.Bias, c.Proj, c.Act);
                    var parameters = d.Parameters.Where(p => p.Key.EndsWith(suffix, StringComparison.Ordinal))
                        .ToDictionary(p => p.Key[..^suffix.Length] + "_l0", p => p.Value);
                    using var single = RecurrentNetwork.Create(one, parameters, path);
                    using var singleSession = single.CreateSession(c.T, c.B);
                    float[] x = direction == 0 ? input : ReverseWithin(input, lengths, c.T, c.B, inputSize);
                    var output = new float[c.T * c.B * hOut];
                    var h1 = new float[c.B * hOut];
                    var c1 = spec.HasCellState ? new float[c.B * c.H] : [];
                    singleSession.Forward(x, c.T, c.B, output, h1, c1,
                        c.H0 ? d.InitialHidden.AsSpan(state * c.B * hOut, c.B * hOut) : default,
                        c.C0 ? d.InitialCell.AsSpan(state * c.B * c.H, c.B * c.H) : default, d.Lengths);
                    if (direction == 1)
                        output = ReverseWithin(output, lengths, c.T, c.B, hOut);
                    for (int row = 0; row < c.T * c.B; row++)
                        Array.Copy(output, row * hOut, layerOutput, row * spec.OutputSize + direction * hOut, hOut);
                    h1.CopyTo(hn, state * c.B * hOut);
                    if (spec.HasCellState) c1.CopyTo(cn, state * c.B * c.H);
                }
                input = layerOutput;
                inputSize = spec.OutputSize;
            }
            Expect.BitIdentical(whole.Output, input, "output vs layers run one at a time");
            Expect.BitIdentical(whole.FinalHidden, hn, "h_n vs layers run one at a time");
            Expect.BitIdentical(whole.FinalCell, cn, "c_n vs layers run one at a time");
        });

    /// <summary>(T, B, n) with each sequence's first lengths[b] steps in reverse order; steps past its length unchanged.</summary>
    private static float[] ReverseWithin(float[] a, int[] lengths, int steps, int batch, int n)
    {
        var r = (float[])a.Clone();
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < lengths[b]; t++)
                Array.Copy(a, ((lengths[b] - 1 - t) * batch + b) * n, r, (t * batch + b) * n, n);
        return r;
    }

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Batch_first_is_the_same_computation_as_time_major(SimdPath path) =>
        Properties.Check(RecurrentCase.Arbitrary(), c =>
        {
            var timeMajor = (c with { BatchFirst = false }).Data();
            var batchFirst = (c with { BatchFirst = true }).Data();
            using var network = timeMajor.Network(path);
            using var session = network.CreateSession(c.T, c.B);
            Outputs a = Run(timeMajor, session);
            Outputs b = Run(batchFirst, session);
            Expect.BitIdentical(RecurrentData.SwapTimeAndBatch(b.Output, c.B, c.T, c.Spec.OutputSize), a.Output, "batch-first output");
            Expect.BitIdentical(b.FinalHidden, a.FinalHidden, "batch-first h_n");
            Expect.BitIdentical(b.FinalCell, a.FinalCell, "batch-first c_n");
        });

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Projecting_in_blocks_of_any_size_changes_no_bit(SimdPath path) =>
        Properties.Check(RecurrentCase.Arbitrary(), c =>
        {
            // Blocks of 1–12 rows cut these sequences (up to 6 steps × 5 rows) at every step
            // boundary, forward and backward, batch-first and time-major, with and without lengths.
            var d = c.Data();
            using var network = d.Network(path);
            using var whole = network.CreateSession(c.T, c.B);
            using var blocked = network.CreateSession(c.T, c.B);
            Outputs a = Run(d, whole);
            for (int blockRows = 1; blockRows <= 12; blockRows++)
            {
                blocked.Runner.ProjectionBlockRows = blockRows;
                Outputs b = Run(d, blocked);
                Expect.BitIdentical(b.Output, a.Output, $"output, blocks of {blockRows} rows");
                Expect.BitIdentical(b.FinalHidden, a.FinalHidden, $"h_n, blocks of {blockRows} rows");
                Expect.BitIdentical(b.FinalCell, a.FinalCell, $"c_n, blocks of {blockRows} rows");
            }
        });

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Padded_steps_are_zero_and_their_inputs_are_never_read(SimdPath path) =>
        Properties.Check(RecurrentCase.Arbitrary(), c =>
        {
            c = c with { Lengths = true, BatchFirst = false };
            var d = c.Data();
            RecurrentSpec spec = c.Spec;
            using var network = d.Network(path);
            using var session = network.CreateSession(c.T, c.B);
            Outputs clean = Run(d, session);
            // NaN in every padded input step: it must reach nothing.
            float[] poisoned = (float[])d.X.Clone();
            for (int t = 0; t < c.T; t++)
                for (int b = 0; b < c.B; b++)
                    if (t >= d.Lengths[b])
                        poisoned.AsSpan((t * c.B + b) * c.X, c.X).Fill(float.NaN);
            Outputs got = Run(d, session, poisoned);
            Expect.BitIdentical(got.Output, clean.Output, "output with NaN in padded steps");
            Expect.BitIdentical(got.FinalHidden, clean.FinalHidden, "h_n with NaN in padded steps");
            Expect.BitIdentical(got.FinalCell, clean.FinalCell, "c_n with NaN in padded steps");
            for (int t = 0; t < c.T; t++)
                for (int b = 0; b < c.B; b++)
                    if (t >= d.Lengths[b])
                        Assert.All(got.Output.AsSpan((t * c.B + b) * spec.OutputSize, spec.OutputSize).ToArray(), v => Assert.Equal(0f, v));
        });

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void A_one_layer_RNN_gives_the_bits_of_the_Elman_layer(SimdPath path) =>
        Properties.Check(Arbitraries.ElmanCases(), e =>
        {
            var d = e.Data();
            using var layer = d.Layer(path);
            var spec = new RecurrentSpec(RecurrentCell.Rnn, e.X, e.H, Bias: e.Bias, Nonlinearity: e.Act);
            var parameters = new Dictionary<string, float[]> { ["weight_ih_l0"] = d.WeightIh, ["weight_hh_l0"] = d.WeightHh };
            if (e.Bias)
            {
                parameters["bias_ih_l0"] = d.BiasIh;
                parameters["bias_hh_l0"] = d.BiasHh;
            }
            using var network = RecurrentNetwork.Create(spec, parameters, path);
            var expected = new float[e.T * e.B * e.H];
            var expectedFinal = new float[e.B * e.H];
            layer.CreateSession(e.T, e.B).Forward(d.X, e.T, e.B, expected, expectedFinal, d.InitialState);
            var output = new float[expected.Length];
            var final = new float[expectedFinal.Length];
            using var session = network.CreateSession(e.T, e.B);
            session.Forward(d.X, e.T, e.B, output, final, initialHidden: d.InitialState);
            Expect.BitIdentical(output, expected, "output");
            Expect.BitIdentical(final, expectedFinal, "h_n");
        });
}
