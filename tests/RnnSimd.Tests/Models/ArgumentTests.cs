using RnnSimd.Tests.Generators;

namespace RnnSimd.Tests.Models;

/// <summary>Wrong sizes throw ArgumentException naming the argument and the sizes; nothing is written.</summary>
public class ArgumentTests
{
    private static readonly ElmanCase C = new(T: 4, B: 2, X: 3, H: 5, Y: 2, Bias: true, Act: Nonlinearity.Tanh,
        InitialState: true, Scale: 1f, Seed: 1);

    private static void Throws(string paramName, string messagePart, Action action)
    {
        var e = Assert.ThrowsAny<ArgumentException>(action);
        Assert.Equal(paramName, e.ParamName);
        Assert.Contains(messagePart, e.Message);
    }

    [Fact]
    public void Layer_creation_checks_every_weight()
    {
        var d = C.Data();
        Throws("inputSize", "0", () => ElmanLayer.Create(0, 5, d.WeightIh, d.WeightHh, d.BiasIh, d.BiasHh));
        Throws("hiddenSize", "-1", () => ElmanLayer.Create(3, -1, d.WeightIh, d.WeightHh, d.BiasIh, d.BiasHh));
        Throws("weightIh", "14", () => ElmanLayer.Create(3, 5, d.WeightIh.AsSpan(1), d.WeightHh, d.BiasIh, d.BiasHh));
        Throws("weightHh", "25", () => ElmanLayer.Create(3, 5, d.WeightIh, d.WeightHh.AsSpan(0, 20), d.BiasIh, d.BiasHh));
        Throws("biasHh", "both", () => ElmanLayer.Create(3, 5, d.WeightIh, d.WeightHh, d.BiasIh, []));
        Throws("biasIh", "6", () => ElmanLayer.Create(3, 5, d.WeightIh, d.WeightHh, new float[6], d.BiasHh));
        Throws("nonlinearity", "nonlinearity", () => ElmanLayer.Create(3, 5, d.WeightIh, d.WeightHh, d.BiasIh, d.BiasHh, (Nonlinearity)9));
    }

    [Fact]
    public void Network_creation_checks_every_weight()
    {
        var d = C.Data();
        Throws("outputSize", "0", () => ElmanNetwork.Create(3, 5, 0, d.WeightIh, d.WeightHh, d.BiasIh, d.WeightHy, d.BiasY));
        Throws("wHy", "(hiddenSize 5, outputSize 2)", () => ElmanNetwork.Create(3, 5, 2, d.WeightIh, d.WeightHh, d.BiasIh, d.WeightHy.AsSpan(1), d.BiasY));
        Throws("bY", "outputSize 2", () => ElmanNetwork.Create(3, 5, 2, d.WeightIh, d.WeightHh, d.BiasIh, d.WeightHy, []));
        Throws("bH", "hiddenSize 5", () => ElmanNetwork.Create(3, 5, 2, d.WeightIh, d.WeightHh, [], d.WeightHy, d.BiasY));
    }

    [Fact]
    public void Forward_checks_sizes_against_the_session_and_the_model()
    {
        var d = C.Data();
        using var layer = d.Layer(Isa.Best);
        var s = layer.CreateSession(C.T, C.B);
        var output = new float[C.T * C.B * C.H];
        var final = new float[C.B * C.H];
        Throws("sequenceLength", "5", () => s.Forward(d.X, 5, C.B, output, final));
        Throws("sequenceLength", "0", () => s.Forward(d.X, 0, C.B, output, final));
        Throws("batch", "3", () => s.Forward(d.X, C.T, 3, output, final));
        Throws("x", "input size 3", () => s.Forward(d.X.AsSpan(1), C.T, C.B, output, final));
        Throws("output", "39", () => s.Forward(d.X, C.T, C.B, output.AsSpan(1), final));
        Throws("finalState", "batch 2 × hidden size 5", () => s.Forward(d.X, C.T, C.B, output, final.AsSpan(1)));
        Throws("initialState", "9", () => s.Forward(d.X, C.T, C.B, output, final, new float[9]));
        Throws("output", "overlap", () => s.Forward(d.X, C.T, C.B, output, output.AsSpan(0, 10)));
        Assert.All(output, v => Assert.Equal(0f, v));
        Assert.All(final, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Step_and_Reset_check_sizes()
    {
        var d = C.Data();
        using var net = d.Network(Isa.Best);
        var s = net.CreateSession(1, C.B);
        Throws("x", "batch 2 × input size 3", () => s.Step(new float[5], new float[4]));
        Throws("output", "batch 2 × 2", () => s.Step(new float[6], new float[3]));
        Throws("batch", "3", () => s.Reset(3));
        Throws("initialState", "9", () => s.Reset(new float[9], 2));
        Throws("initialState", "empty", () => s.Reset([], 2));
        s.Reset(1);
        s.Step(new float[3], new float[2]);
        Assert.Equal(1, s.Batch);
    }

    /// <summary>A user who disposed a session is told so, not that the model is gone (and the other way round).</summary>
    [Fact]
    public void Disposed_errors_name_what_was_disposed()
    {
        var d = C.Data();
        using var layer = d.Layer(Isa.Best);
        var s = layer.CreateSession(C.T, C.B);
        s.Dispose();
        var e = Assert.Throws<ObjectDisposedException>(() => s.Step(new float[C.B * C.X], new float[C.B * C.H]));
        Assert.Equal(typeof(ElmanLayerSession).FullName, e.ObjectName);
        Assert.Contains("This session is disposed", e.Message);

        var gru = new RecurrentCase(RecurrentCell.Gru, Nonlinearity.Tanh, 1, false, true, 0,
            T: 2, B: 1, X: 3, H: 4, BatchFirst: false, H0: false, C0: false, Lengths: false, Scale: 1f, Seed: 1);
        var network = gru.Data().Network(Isa.Best);
        var live = network.CreateSession(2, 1);
        network.Dispose();
        e = Assert.Throws<ObjectDisposedException>(() => live.Reset(1));
        Assert.Equal(typeof(RecurrentNetwork).FullName, e.ObjectName);
        Assert.Contains("The RecurrentNetwork this session was created from is disposed", e.Message);
        live.Dispose();
        e = Assert.Throws<ObjectDisposedException>(() => live.Reset(1));
        Assert.Equal(typeof(RecurrentNetworkSession).FullName, e.ObjectName);
    }

    [Fact]
    public void A_disposed_model_refuses_its_sessions()
    {
        var d = C.Data();
        var layer = d.Layer(Isa.Best);
        var s = layer.CreateSession(C.T, C.B);
        layer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => s.Forward(d.X, C.T, C.B, new float[C.T * C.B * C.H], new float[C.B * C.H]));
        Assert.Throws<ObjectDisposedException>(() => s.Step(new float[C.B * C.X], new float[C.B * C.H]));
        Assert.Throws<ObjectDisposedException>(() => layer.CreateSession(1, 1));
        layer.Dispose();
    }

    [Fact]
    public void Session_sizes_that_cannot_be_allocated_name_the_argument()
    {
        var d = C.Data();
        using var layer = d.Layer(Isa.Best);
        using var net = d.Network(Isa.Best);
        Throws("maxBatch", "do not fit", () => layer.CreateSession(int.MaxValue, int.MaxValue));
        Throws("maxBatch", "do not fit", () => net.CreateSession(1, int.MaxValue / 2));
        Throws("maxSequenceLength", "do not fit", () => net.CreateSession(int.MaxValue, 1000));
        Throws("maxSequenceLength", "0", () => net.CreateSession(0, 1));
        // A layer's Forward writes into the caller's output: no sequence buffer, any length is fine.
        using var _ = layer.CreateSession(int.MaxValue, 1);
    }

    [Fact]
    public void Longer_spans_are_accepted_and_only_their_first_elements_used()
    {
        var d = C.Data();
        using var layer = d.Layer(Isa.Best);
        var s = layer.CreateSession(C.T, C.B);
        var exact = new float[C.T * C.B * C.H];
        var exactFinal = new float[C.B * C.H];
        s.Forward(d.X, C.T, C.B, exact, exactFinal, d.InitialState);
        float[] longX = [.. d.X, 99f, 99f];
        var longOutput = Enumerable.Repeat(7f, exact.Length + 3).ToArray();
        var longFinal = new float[exactFinal.Length + 1];
        s.Forward(longX, C.T, C.B, longOutput, longFinal, [.. d.InitialState, 5f]);
        Assert.Equal(exact, longOutput[..exact.Length]);
        Assert.Equal([7f, 7f, 7f], longOutput[exact.Length..]);
        Assert.Equal(exactFinal, longFinal[..exactFinal.Length]);
    }

    [Fact]
    public void Forward_leaves_the_Step_state_alone_and_Reset_changes_the_batch()
    {
        var d = C.Data();
        using var net = d.Network(Isa.Best);
        var s = net.CreateSession(C.T, C.B);
        s.Reset(d.InitialState, C.B);
        s.Step(d.X.AsSpan(0, C.B * C.X), new float[C.B * C.Y]);
        float[] state = s.State.ToArray();
        s.Forward(d.X, C.T, C.B, new float[C.T * C.B * C.Y], new float[C.B * C.H]);
        Assert.Equal(state, s.State.ToArray());

        s.Reset(1);
        Assert.Equal(1, s.Batch);
        Assert.Equal(C.H, s.State.Length);
        var y1 = new float[C.Y];
        s.Step(d.X.AsSpan(0, C.X), y1);
        var expected = new float[C.Y];
        net.CreateSession(1, 1).Forward(d.X.AsSpan(0, C.X), 1, 1, expected, new float[C.H]);
        Assert.Equal(expected, y1);
    }
}
