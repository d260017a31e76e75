using System.Runtime;
using RnnSimd.Tests.Generators;
using RnnSimd.Tests.Support;
using RnnSimd.Threading;

namespace RnnSimd.Tests.Models;

/// <summary>
/// A session compiles, at creation, every kernel variant its calls can reach, so that no call
/// waits for the JIT: after one call has compiled the public entry points, calls at every other
/// batch size and length compile nothing on the calling thread. Without the warm-up, a new batch
/// size's row remainder compiles another tile (measured: the first call of an Elman S3 session
/// took 29 ms, the second 0.6 ms, steady 0.23 ms).
/// </summary>
public class WarmUpTests
{
    private const int MaxSteps = 6;
    private const int MaxBatch = 11;

    private static readonly ElmanCase Elman = new(T: MaxSteps, B: MaxBatch, X: 5, H: 37, Y: 3, Bias: true, Act: Nonlinearity.Tanh,
        InitialState: false, Scale: 1f, Seed: 5);

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Elman_layer_calls_after_the_first_compile_nothing(SimdPath path)
    {
        var d = Elman.Data();
        using var layer = d.Layer(path);
        using var session = layer.CreateSession(MaxSteps, MaxBatch);
        var output = new float[MaxSteps * MaxBatch * Elman.H];
        var final = new float[MaxBatch * Elman.H];
        AssertNothingCompiled(batch =>
        {
            for (int steps = 1; steps <= MaxSteps; steps++)
                session.Forward(d.X, steps, batch, output, final);
            session.Reset(batch);
            session.Step(d.X, final);
            session.Step(d.X, final);
        });
    }

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Elman_network_calls_after_the_first_compile_nothing(SimdPath path)
    {
        var d = Elman.Data();
        using var network = d.Network(path);
        using var session = network.CreateSession(MaxSteps, MaxBatch);
        var output = new float[MaxSteps * MaxBatch * Elman.Y];
        var final = new float[MaxBatch * Elman.H];
        AssertNothingCompiled(batch =>
        {
            for (int steps = 1; steps <= MaxSteps; steps++)
                session.Forward(d.X, steps, batch, output, final);
            session.Reset(batch);
            session.Step(d.X, output);
            session.Step(d.X, output);
        });
    }

    public static TheoryData<SimdPath, RecurrentCell, Nonlinearity, int> RecurrentCases()
    {
        var data = new TheoryData<SimdPath, RecurrentCell, Nonlinearity, int>();
        foreach (SimdPath path in Isa.Available)
        {
            data.Add(path, RecurrentCell.Rnn, Nonlinearity.Relu, 0);
            data.Add(path, RecurrentCell.Gru, Nonlinearity.Tanh, 0);
            data.Add(path, RecurrentCell.Lstm, Nonlinearity.Tanh, 0);
            data.Add(path, RecurrentCell.Lstm, Nonlinearity.Tanh, 3);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(RecurrentCases))]
    public void Recurrent_calls_after_the_first_compile_nothing(SimdPath path, RecurrentCell cell, Nonlinearity act, int proj)
    {
        var c = new RecurrentCase(cell, act, Layers: 2, Bidirectional: false, Bias: true, Proj: proj, T: MaxSteps, B: MaxBatch, X: 5, H: 37,
            BatchFirst: false, H0: false, C0: false, Lengths: false, Scale: 1f, Seed: 7);
        var d = c.Data();
        using var network = d.Network(path);
        using var session = network.CreateSession(MaxSteps, MaxBatch);
        int width = c.Spec.OutputSize;
        var output = new float[MaxSteps * MaxBatch * width];
        AssertNothingCompiled(batch =>
        {
            for (int steps = 1; steps <= MaxSteps; steps++)
                session.Forward(d.X, steps, batch, output);
            session.Reset(batch);
            session.Step(d.X, output);
            session.Step(d.X, output);
        });
    }

    [Fact]
    public void Forgetting_late_calls_ends_the_pause()
    {
        using var pool = new WorkerPool(2, new NoWork(), "test");
        pool.Backoff.Report(late: true, System.Diagnostics.Stopwatch.GetTimestamp());
        Assert.True(pool.RunAlone);
        pool.ForgetLateCalls();
        Assert.False(pool.RunAlone);
        Assert.Equal(0, pool.Backoff.LateCalls);
    }

    private sealed class NoWork : IParallelWork
    {
        public void Execute(int index, int count)
        {
        }
    }

    /// <summary>
    /// Runs <paramref name="calls"/> once at the largest batch (compiling the public entry points,
    /// at tier 0), then at every batch size, and counts the methods compiled on this thread in
    /// between. The calls themselves are the same IL each time, so anything compiled is a kernel
    /// variant the warm-up missed.
    /// </summary>
    private static void AssertNothingCompiled(Action<int> calls)
    {
        calls(MaxBatch);
        long before = JitInfo.GetCompiledMethodCount(currentThread: true);
        for (int batch = 1; batch <= MaxBatch; batch++)
            calls(batch);
        long compiled = JitInfo.GetCompiledMethodCount(currentThread: true) - before;
        Assert.True(compiled == 0, $"{compiled} methods were compiled during calls after the first: a kernel variant the session's warm-up did not reach");
    }
}
