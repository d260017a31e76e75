using RnnSimd.Tests.Generators;
using RnnSimd.Tests.Support;

namespace RnnSimd.Tests.Models;

/// <summary>Zero allocation is a tested property: after warm-up, Forward and Step allocate 0 bytes.</summary>
public class AllocationTests
{
    private static readonly ElmanCase Shape = new(T: 12, B: 3, X: 37, H: 70, Y: 9, Bias: true, Act: Nonlinearity.Tanh,
        InitialState: true, Scale: 1f, Seed: 11);

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Layer_Forward_and_Step_allocate_nothing(SimdPath path)
    {
        var d = Shape.Data();
        using var layer = d.Layer(path);
        var session = layer.CreateSession(Shape.T, Shape.B);
        var output = new float[Shape.T * Shape.B * Shape.H];
        var final = new float[Shape.B * Shape.H];
        var h = new float[Shape.B * Shape.H];

        void Run()
        {
            session.Forward(d.X, Shape.T, Shape.B, output, final, d.InitialState);
            session.Forward(d.X, Shape.T, Shape.B, output, final);
            session.Reset(d.InitialState, Shape.B);
            session.Step(d.X.AsSpan(0, Shape.B * Shape.X), h);
        }

        Allocation.AssertNone(Run);
    }

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Network_Forward_and_Step_allocate_nothing(SimdPath path)
    {
        var d = Shape.Data();
        using var net = d.Network(path);
        var session = net.CreateSession(Shape.T, Shape.B);
        var outputs = new float[Shape.T * Shape.B * Shape.Y];
        var final = new float[Shape.B * Shape.H];
        var y = new float[Shape.B * Shape.Y];

        void Run()
        {
            session.Forward(d.X, Shape.T, Shape.B, outputs, final, d.InitialState);
            session.Reset(Shape.B);
            session.Step(d.X.AsSpan(0, Shape.B * Shape.X), y);
        }

        Allocation.AssertNone(Run);
    }

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Activations_allocate_nothing(SimdPath path)
    {
        var x = new float[1000];
        var r = new float[1000];
        Allocation.AssertNone(() =>
        {
            Activations.Tanh(x, r, path);
            Activations.Sigmoid(x, r, path);
            Activations.Relu(x, r, path);
        });
    }

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Recurrent_Forward_and_Step_allocate_nothing(SimdPath path)
    {
        foreach (RecurrentCell cell in Enum.GetValues<RecurrentCell>())
        {
            foreach (bool bidirectional in new[] { false, true })
            {
                var c = new RecurrentCase(cell, Nonlinearity.Tanh, 2, bidirectional, true, cell == RecurrentCell.Lstm ? 5 : 0,
                    T: 7, B: 3, X: 13, H: 37, BatchFirst: bidirectional, H0: true, C0: cell == RecurrentCell.Lstm, Lengths: true, Scale: 1f, Seed: 3);
                var d = c.Data();
                using var network = d.Network(path);
                using var session = network.CreateSession(c.T, c.B);
                RecurrentSpec spec = c.Spec;
                var output = new float[c.T * c.B * spec.OutputSize];
                var hn = new float[spec.StateCount * c.B * spec.HiddenOutputSize];
                var cn = spec.HasCellState ? new float[spec.StateCount * c.B * c.H] : [];
                var y = new float[c.B * spec.HiddenOutputSize];
                var state = new float[spec.NumLayers * c.B * spec.HiddenOutputSize];
                float[] x = d.CallX;
                void Run()
                {
                    session.Forward(x, c.T, c.B, output, hn, cn, d.InitialHidden, d.InitialCell, d.Lengths, c.BatchFirst);
                    session.Forward(x, c.T, c.B, output, batchFirst: c.BatchFirst);
                    if (!bidirectional)
                    {
                        session.Reset(d.InitialHidden.AsSpan(0, spec.NumLayers * c.B * spec.HiddenOutputSize), default, c.B);
                        session.Step(d.X.AsSpan(0, c.B * c.X), y);
                        session.CopyState(state);
                    }
                }
                Allocation.AssertNone(Run);
            }
        }
    }
}
