using RnnSimd.Tests.Generators;

namespace RnnSimd.Tests.Models;

/// <summary>Wrong specs, parameters, sizes and lengths throw exceptions naming the argument and the problem.</summary>
public class RecurrentArgumentTests
{
    private static readonly RecurrentCase Lstm = new(RecurrentCell.Lstm, Nonlinearity.Tanh, 2, true, true, 3,
        T: 4, B: 2, X: 3, H: 5, BatchFirst: false, H0: true, C0: true, Lengths: false, Scale: 1f, Seed: 1);

    private static void Throws(string paramName, string messagePart, Action action)
    {
        var e = Assert.ThrowsAny<ArgumentException>(action);
        Assert.Equal(paramName, e.ParamName);
        Assert.Contains(messagePart, e.Message);
    }

    [Fact]
    public void The_spec_is_checked()
    {
        var empty = new Dictionary<string, float[]>();
        Throws("InputSize", "0", () => RecurrentNetwork.Create(new RecurrentSpec(RecurrentCell.Rnn, 0, 4), empty));
        Throws("HiddenSize", "-2", () => RecurrentNetwork.Create(new RecurrentSpec(RecurrentCell.Gru, 3, -2), empty));
        Throws("NumLayers", "0", () => RecurrentNetwork.Create(new RecurrentSpec(RecurrentCell.Lstm, 3, 4, NumLayers: 0), empty));
        Throws("ProjSize", "only LSTM", () => RecurrentNetwork.Create(new RecurrentSpec(RecurrentCell.Gru, 3, 4, ProjSize: 2), empty));
        Throws("ProjSize", "less than HiddenSize", () => RecurrentNetwork.Create(new RecurrentSpec(RecurrentCell.Lstm, 3, 4, ProjSize: 4), empty));
        Throws("Nonlinearity", "RNN cells only", () => RecurrentNetwork.Create(new RecurrentSpec(RecurrentCell.Gru, 3, 4, Nonlinearity: Nonlinearity.Relu), empty));
        // 7·10⁷ × 1 weights fit in an array, but packed with the unit padded to a 32-wide panel they
        // would not (this overflowed while packing before it was checked here).
        // The size blamed is the one that makes the matrix tall: here the input.
        Throws("InputSize", "padded to whole panels of 32 units", () => RecurrentNetwork.Create(new RecurrentSpec(RecurrentCell.Rnn, 70_000_000, 1), empty));
        Throws("InputSize", "padded to whole panels of 32 units", () => RecurrentNetwork.Create(new RecurrentSpec(RecurrentCell.Lstm, 20_000_000, 1), empty));
        Throws("HiddenSize", "padded to whole panels of 32 units", () => RecurrentNetwork.Create(new RecurrentSpec(RecurrentCell.Lstm, 1, 30_000), empty));
        // Both too large: H alone would not fit, so H is blamed.
        Throws("HiddenSize", "padded to whole panels of 32 units", () => RecurrentNetwork.Create(new RecurrentSpec(RecurrentCell.Lstm, 100_000, 30_000), empty));
    }

    [Fact]
    public void Every_parameter_is_checked_by_name_and_shape()
    {
        var d = Lstm.Data();
        RecurrentSpec spec = Lstm.Spec;
        var missing = new Dictionary<string, float[]>(d.Parameters);
        missing.Remove("weight_hr_l1_reverse");
        Throws("parameters", "no 'weight_hr_l1_reverse'; a 2-layer bidirectional LSTM (input 3, hidden 5, proj 3, bias) needs it with shape (3, 5)",
            () => RecurrentNetwork.Create(spec, missing));
        var extra = new Dictionary<string, float[]>(d.Parameters) { ["weight_ih_l2"] = new float[60] };
        Throws("parameters", "'weight_ih_l2', which a 2-layer", () => RecurrentNetwork.Create(spec, extra));
        var wrong = new Dictionary<string, float[]>(d.Parameters) { ["weight_ih_l1"] = new float[7] };
        Throws("parameters", "parameters['weight_ih_l1'] has 7 elements; shape (20, 6) needs 120", () => RecurrentNetwork.Create(spec, wrong));
        Throws("path", "not available", () => RecurrentNetwork.Create(spec, d.Parameters, (SimdPath)99));
    }

    [Fact]
    public void Forward_checks_sizes_states_and_lengths()
    {
        var d = Lstm.Data();
        RecurrentSpec spec = Lstm.Spec;
        using var network = d.Network(Isa.Best);
        using var session = network.CreateSession(Lstm.T, Lstm.B);
        int T = Lstm.T, B = Lstm.B;
        var output = new float[T * B * spec.OutputSize];
        var hn = new float[spec.StateCount * B * 3];
        var cn = new float[spec.StateCount * B * 5];
        Throws("sequenceLength", "5", () => session.Forward(d.X, 5, B, output));
        Throws("batch", "0", () => session.Forward(d.X, T, 0, output));
        Throws("x", "input size 3", () => session.Forward(d.X.AsSpan(1), T, B, output));
        Throws("output", "(D·H_out)", () => session.Forward(d.X, T, B, output.AsSpan(1)));
        Throws("finalHidden", "(D·L, batch 2, 3)", () => session.Forward(d.X, T, B, output, hn.AsSpan(1)));
        Throws("initialCell", "(D·L, batch 2, 5)", () => session.Forward(d.X, T, B, output, hn, cn, d.InitialHidden, d.InitialCell.AsSpan(1)));
        Throws("output", "overlap", () => session.Forward(d.X, T, B, output, output.AsSpan(0, hn.Length)));
        var shifted = new float[hn.Length + 1];
        Throws("finalHidden", "offset", () => session.Forward(d.X, T, B, output, shifted.AsSpan(1), default, shifted.AsSpan(0, hn.Length)));
        Throws("lengths", "lengths[1] = 5 is outside 1..4", () => session.Forward(d.X, T, B, output, lengths: new[] { 4, 5 }));
        Throws("lengths", "lengths[0] = 0", () => session.Forward(d.X, T, B, output, lengths: new[] { 0, 1 }));
        Throws("lengths", "batch 2", () => session.Forward(d.X, T, B, output, lengths: new[] { 1 }));
        Assert.Contains("Step needs a unidirectional network", Assert.Throws<InvalidOperationException>(() => session.Step(d.X, output)).Message);
        // Reset and CopyState set and read the state Step carries: a bidirectional network has none.
        Assert.Contains("Reset needs a unidirectional network: a bidirectional network has no Step",
            Assert.Throws<InvalidOperationException>(() => session.Reset(B)).Message);
        Assert.Contains("CopyState needs a unidirectional network: a bidirectional network has no Step",
            Assert.Throws<InvalidOperationException>(() => session.CopyState(hn)).Message);
    }

    [Fact]
    public void Cell_state_arguments_are_refused_without_a_cell_state()
    {
        var gru = Lstm with { Cell = RecurrentCell.Gru, Proj = 0, C0 = false, Bidirectional = false };
        var d = gru.Data();
        using var network = d.Network(Isa.Best);
        using var session = network.CreateSession(gru.T, gru.B);
        var output = new float[gru.T * gru.B * gru.H];
        Throws("finalCell", "no cell state", () => session.Forward(d.X, gru.T, gru.B, output, finalCell: new float[20]));
        Throws("initialCell", "no cell state", () => session.Reset(default, new float[20], gru.B));
        Throws("cell", "no cell state", () => session.CopyState(new float[20], new float[20]));
    }

    [Fact]
    public void Results_may_replace_the_initial_state_in_place()
    {
        var d = Lstm.Data();
        RecurrentSpec spec = Lstm.Spec;
        using var network = d.Network(Isa.Best);
        using var session = network.CreateSession(Lstm.T, Lstm.B);
        var output = new float[Lstm.T * Lstm.B * spec.OutputSize];
        var hn = new float[d.InitialHidden.Length];
        var cn = new float[d.InitialCell.Length];
        session.Forward(d.X, Lstm.T, Lstm.B, output, hn, cn, d.InitialHidden, d.InitialCell);
        float[] h = (float[])d.InitialHidden.Clone(), c = (float[])d.InitialCell.Clone();
        session.Forward(d.X, Lstm.T, Lstm.B, output, h, c, h, c);
        Assert.Equal(hn, h);
        Assert.Equal(cn, c);
    }

    [Fact]
    public void Forward_does_not_touch_the_state_Step_carries()
    {
        var uni = Lstm with { Bidirectional = false };
        var d = uni.Data();
        RecurrentSpec spec = uni.Spec;
        using var network = d.Network(Isa.Best);
        int stepIn = uni.B * uni.X, stepOut = uni.B * spec.HiddenOutputSize;
        var h0 = d.InitialHidden.AsSpan(0, spec.NumLayers * uni.B * spec.HiddenOutputSize).ToArray();
        var c0 = d.InitialCell.AsSpan(0, spec.NumLayers * uni.B * uni.H).ToArray();

        float[] TwoSteps(bool forwardBetween)
        {
            using var session = network.CreateSession(uni.T, uni.B);
            session.Reset(h0, c0, uni.B);
            var y = new float[2 * stepOut];
            session.Step(d.X.AsSpan(0, stepIn), y.AsSpan(0, stepOut));
            if (forwardBetween)
                session.Forward(d.X, uni.T, uni.B, new float[uni.T * uni.B * spec.OutputSize], new float[h0.Length], new float[c0.Length], h0, c0);
            session.Step(d.X.AsSpan(stepIn, stepIn), y.AsSpan(stepOut));
            return y;
        }

        Assert.Equal(TwoSteps(false), TwoSteps(true));
    }

    [Fact]
    public void Longer_spans_may_overlap_where_their_tails_go_unused()
    {
        var d = Lstm.Data();
        RecurrentSpec spec = Lstm.Spec;
        using var network = d.Network(Isa.Best);
        using var session = network.CreateSession(Lstm.T, Lstm.B);
        int xLength = d.X.Length, outLength = Lstm.T * Lstm.B * spec.OutputSize;
        var expected = new float[outLength];
        session.Forward(d.X, Lstm.T, Lstm.B, expected);

        // One pooled buffer: x first, output right after; x's span runs on to the buffer's end.
        var pool = new float[xLength + outLength];
        d.X.CopyTo(pool, 0);
        session.Forward(pool, Lstm.T, Lstm.B, pool.AsSpan(xLength));
        Assert.Equal(expected, pool.AsSpan(xLength).ToArray());
    }

    /// <summary>
    /// A session holds a projection block and, below the last layer, the whole sequence of D·H_out
    /// rows: its size limit is the output's, not the padded gates' (4 gates × 32 floats per row
    /// with AVX-512, which refused 20 million steps though only the output is that long).
    /// </summary>
    [Fact]
    public void Session_sizes_are_limited_by_what_the_session_holds()
    {
        var lstm = new RecurrentCase(RecurrentCell.Lstm, Nonlinearity.Tanh, 1, false, true, 0,
            T: 1, B: 1, X: 1, H: 8, BatchFirst: false, H0: false, C0: false, Lengths: false, Scale: 1f, Seed: 2);
        using var network = lstm.Data().Network(Isa.Best);
        using (var session = network.CreateSession(20_000_000, 1))
            Assert.Equal(20_000_000, session.MaxSequenceLength);
        Throws("maxSequenceLength", "maxSequenceLength 300000000 × maxBatch 1 × 8 output floats per row do not fit in one buffer.",
            () => network.CreateSession(300_000_000, 1));
        // Gates padded to whole panels: 128 floats per row with AVX-512, 32 or more on every path.
        Throws("maxBatch", "maxBatch 100000000 × ", () => network.CreateSession(1, 100_000_000));
    }

    [Fact]
    public void A_disposed_network_or_session_refuses_work()
    {
        var d = Lstm.Data();
        var network = d.Network(Isa.Best);
        var session = network.CreateSession(Lstm.T, Lstm.B);
        var output = new float[Lstm.T * Lstm.B * Lstm.Spec.OutputSize];
        network.Dispose();
        Assert.Throws<ObjectDisposedException>(() => session.Forward(d.X, Lstm.T, Lstm.B, output));
        Assert.Throws<ObjectDisposedException>(() => network.CreateSession(1, 1));
        session.Dispose();
        session.Dispose();
        Assert.True(network.Weights.IsFreed);
    }
}
