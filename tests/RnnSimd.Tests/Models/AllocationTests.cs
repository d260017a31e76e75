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

        AssertAllocatesNothing(Run);
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

        AssertAllocatesNothing(Run);
    }

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Activations_allocate_nothing(SimdPath path)
    {
        var x = new float[1000];
        var r = new float[1000];
        AssertAllocatesNothing(() =>
        {
            Activations.Tanh(x, r, path);
            Activations.Sigmoid(x, r, path);
            Activations.Relu(x, r, path);
        });
    }

    private static void AssertAllocatesNothing(Action run)
    {
        for (int i = 0; i < 20; i++)
            run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
            run();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated == 0, $"100 warmed-up calls allocated {allocated} bytes.");
    }
}
