using RnnSimd.Tests.Generators;
using RnnSimd.Tests.Support;

namespace RnnSimd.Tests.Models;

/// <summary>One immutable model shared by 8 threads, each with its own session, gives the single-thread bits.</summary>
[Collection(nameof(SerialCollection))]
public class ThreadSharingTests
{
    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Eight_threads_sharing_one_layer_get_identical_bits(SimdPath path)
    {
        var c = new ElmanCase(T: 20, B: 3, X: 33, H: 65, Y: 5, Bias: true, Act: Nonlinearity.Tanh, InitialState: true, Scale: 1f, Seed: 5);
        var d = c.Data();
        using var layer = d.Layer(path);
        var expected = new float[c.T * c.B * c.H];
        layer.CreateSession(c.T, c.B).Forward(d.X, c.T, c.B, expected, new float[c.B * c.H], d.InitialState);

        var results = new float[8][];
        var errors = new Exception?[8];
        using var start = new Barrier(8);
        var threads = Enumerable.Range(0, 8).Select(i => new Thread(() =>
        {
            try
            {
                var session = layer.CreateSession(c.T, c.B);
                var output = new float[c.T * c.B * c.H];
                var final = new float[c.B * c.H];
                start.SignalAndWait();
                for (int repeat = 0; repeat < 25; repeat++)
                {
                    session.Forward(d.X, c.T, c.B, output, final, d.InitialState);
                    Expect.BitIdentical(output, expected, $"thread {i}, repeat {repeat}");
                }
                results[i] = output;
            }
            catch (Exception e)
            {
                errors[i] = e;
            }
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();

        Assert.All(errors, e => Assert.Null(e));
        Assert.All(results, r => Expect.BitIdentical(r, expected, "thread result"));
    }

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Eight_threads_sharing_one_network_get_identical_bits(SimdPath path)
    {
        var c = new ElmanCase(T: 15, B: 2, X: 17, H: 40, Y: 7, Bias: true, Act: Nonlinearity.Tanh, InitialState: false, Scale: 1f, Seed: 6);
        var d = c.Data();
        using var net = d.Network(path);
        var expected = new float[c.T * c.B * c.Y];
        net.CreateSession(c.T, c.B).Forward(d.X, c.T, c.B, expected, new float[c.B * c.H]);

        var errors = new Exception?[8];
        var threads = Enumerable.Range(0, 8).Select(i => new Thread(() =>
        {
            try
            {
                var session = net.CreateSession(c.T, c.B);
                var outputs = new float[c.T * c.B * c.Y];
                var y = new float[c.B * c.Y];
                for (int repeat = 0; repeat < 25; repeat++)
                {
                    session.Forward(d.X, c.T, c.B, outputs, new float[c.B * c.H]);
                    Expect.BitIdentical(outputs, expected, $"thread {i}, repeat {repeat}");
                    session.Reset(c.B);
                    for (int t = 0; t < c.T; t++)
                    {
                        session.Step(d.X.AsSpan(t * c.B * c.X, c.B * c.X), y);
                        Expect.BitIdentical(y, expected.AsSpan(t * c.B * c.Y, c.B * c.Y), $"thread {i}, step {t}");
                    }
                }
            }
            catch (Exception e)
            {
                errors[i] = e;
            }
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        Assert.All(errors, e => Assert.Null(e));
    }
}
