using RnnSimd.Tests.Generators;
using RnnSimd.Tests.Models;
using RnnSimd.Tests.Support;
using RnnSimd.Threading;

namespace RnnSimd.Tests.Threading;

/// <summary>
/// A worker that falls behind (here: made to sleep, as a descheduled thread would) makes the next
/// calls run on the caller alone, with the same bits. Serial: these tests start their own threads.
/// </summary>
[Collection(nameof(SerialCollection))]
public class BusyCoreFallbackTests
{
    private static readonly TimeSpan LongPause = TimeSpan.FromMinutes(5);

    /// <summary>How late the worker is made: far longer than these small calls take, even emulated.</summary>
    private static readonly TimeSpan Late = TimeSpan.FromMilliseconds(300);

    [Fact]
    public void A_late_worker_makes_the_next_recurrent_calls_run_alone()
    {
        var c = new RecurrentCase(RecurrentCell.Lstm, Nonlinearity.Tanh, 2, false, true, 0,
            T: 5, B: 3, X: 20, H: 70, BatchFirst: false, H0: false, C0: false, Lengths: false, Scale: 1f, Seed: 3);
        var d = c.Data();
        using var network = d.Network(Isa.Best);
        using var one = network.CreateSession(c.T, c.B, threads: 1);
        using var two = network.CreateSession(c.T, c.B, threads: 2);
        // 1, not 0: split every step, but keep the pause (0 forces the workers regardless).
        two.Runner.ParallelStepThreshold = 1;
        WorkerPool pool = two.Runner.Pool!;
        RecurrentNetworkPropertyTests.Run(d, two); // compiles the code on both threads first
        pool.Backoff = new ContentionBackoff(LongPause);
        int shares = 0;
        pool.BeforeWorkerShare = () =>
        {
            Interlocked.Increment(ref shares);
            Thread.Sleep(Late);
        };

        var expected = RecurrentNetworkPropertyTests.Run(d, one);
        var late = RecurrentNetworkPropertyTests.Run(d, two);
        Assert.Equal(1, shares);
        Assert.Equal(1, pool.Backoff.LateCalls);
        Assert.True(pool.RunAlone);

        Assert.Equal(0, two.CallsRunAlone);
        var alone = RecurrentNetworkPropertyTests.Run(d, two);
        Assert.Equal(1, shares); // the worker was not asked again
        Assert.Equal(1, two.CallsRunAlone);
        Assert.Equal(0, one.CallsRunAlone);
        foreach (var got in new[] { late, alone })
        {
            Expect.BitIdentical(got.Output, expected.Output, "output");
            Expect.BitIdentical(got.FinalHidden, expected.FinalHidden, "h_n");
            Expect.BitIdentical(got.FinalCell, expected.FinalCell, "c_n");
        }
    }

    [Fact]
    public void A_late_worker_makes_the_next_Elman_calls_run_alone()
    {
        var c = new ElmanCase(T: 6, B: 2, X: 30, H: 90, Y: 5, Bias: true, Act: Nonlinearity.Tanh, InitialState: false, Scale: 1f, Seed: 4);
        var d = c.Data();
        using var layer = d.Layer(Isa.Best);
        var one = layer.CreateSession(c.T, c.B, threads: 1);
        using var two = layer.CreateSession(c.T, c.B, threads: 2);
        two.Runner.ParallelStepThreshold = 1;
        WorkerPool pool = two.Runner.Pool!;

        float[] Forward(ElmanLayerSession session)
        {
            var output = new float[c.T * c.B * c.H];
            session.Forward(d.X, c.T, c.B, output, new float[c.B * c.H]);
            return output;
        }
        Forward(two); // compiles the code on both threads first
        pool.Backoff = new ContentionBackoff(LongPause);
        int shares = 0;
        pool.BeforeWorkerShare = () =>
        {
            Interlocked.Increment(ref shares);
            Thread.Sleep(Late);
        };
        float[] expected = Forward(one);
        float[] late = Forward(two);
        Assert.Equal(1, shares);
        Assert.True(pool.RunAlone);
        Assert.Equal(0, two.CallsRunAlone);
        float[] alone = Forward(two);
        Assert.Equal(1, shares);
        Assert.Equal(1, two.CallsRunAlone);
        Assert.Equal(0, one.CallsRunAlone);
        Expect.BitIdentical(late, expected, "output of the late call");
        Expect.BitIdentical(alone, expected, "output run alone");
    }

    [Fact]
    public void Balanced_calls_keep_their_threads()
    {
        // RNNSIMD_EMULATOR is set by .ci/run's ARM64 run under qemu.
        Assert.SkipWhen(!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("RNNSIMD_EMULATOR")),
            "Under an emulator, threads' timing says nothing about a real core.");
        // 4·4·256·512 multiply-adds per step: the default threshold splits it, the pause applies.
        // Calls of about a millisecond, back to back, as a user who wants threads makes them.
        var c = new RecurrentCase(RecurrentCell.Lstm, Nonlinearity.Tanh, 1, false, true, 0,
            T: 50, B: 4, X: 256, H: 256, BatchFirst: false, H0: false, C0: false, Lengths: false, Scale: 1f, Seed: 6);
        var d = c.Data();
        using var network = d.Network(Isa.Best);
        using var two = network.CreateSession(c.T, c.B, threads: 2);
        WorkerPool pool = two.Runner.Pool!;
        for (int i = 0; i < 3; i++)
            RecurrentNetworkPropertyTests.Run(d, two); // the first calls compile code and wake the worker: often late
        // A short pause, so that a call made late by other work on this machine costs one or two calls, not the test.
        pool.Backoff = new ContentionBackoff(TimeSpan.FromMilliseconds(1));
        int shares = 0;
        pool.BeforeWorkerShare = () => Interlocked.Increment(ref shares);
        // Other work on this shared machine can keep the second core busy for a while, and then
        // calls rightly run alone: up to ten rounds of 20 calls, a pause between them; one round in
        // which most calls kept the worker shows that balanced calls are not taken for late ones.
        var rounds = new List<string>();
        for (int round = 0; round < 10; round++)
        {
            shares = 0;
            int lateBefore = pool.Backoff.LateCalls;
            for (int i = 0; i < 20; i++)
                RecurrentNetworkPropertyTests.Run(d, two);
            if (shares >= 10)
                return;
            rounds.Add($"{shares} ({pool.Backoff.LateCalls - lateBefore} late)");
            Thread.Sleep(200);
        }
        Assert.Fail($"in no round of 20 calls did half use the worker; calls that did, per round: {string.Join(", ", rounds)}");
    }
}
