using FsCheck;
using FsCheck.Fluent;
using RnnSimd.Tests.Generators;
using RnnSimd.Kernels;
using RnnSimd.Threading;
using RnnSimd.Tests.Support;

namespace RnnSimd.Tests.Models;

/// <summary>
/// Threads split each step's hidden units, or a large batch by rows; every element is still computed
/// by one thread in the same order, so any thread count gives the single-thread bits, and nothing is
/// allocated on any thread. Serial: these tests start their own threads.
/// </summary>
[Collection(nameof(SerialCollection))]
public class ThreadCountTests
{
    /// <summary>Cases with wide hidden layers too, so that every path has several panels to split.</summary>
    private static Arbitrary<(ElmanCase Case, int Threads)> Cases() =>
        Arb.From(
            from c in Arbitraries.ElmanCases(maxSteps: 6, maxBatch: 7).Generator
            from wide in Gen.Elements(0, 0, 65, 130, 200)
            from threads in Gen.Choose(2, 5)
            select (Case: c with { H = c.H + wide }, Threads: threads),
            p => Arbitraries.ElmanCases().Shrinker(p.Case).Select(c => (c, p.Threads))
                .Concat(p.Threads > 2 ? [(p.Case, p.Threads - 1)] : []));

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Layer_results_do_not_depend_on_the_thread_count(SimdPath path) =>
        Properties.Check(Cases(), p =>
        {
            var (c, threads) = p;
            var d = c.Data();
            using var layer = d.Layer(path);
            var (output1, final1, steps1) = RunLayer(layer, d, 1);
            var (outputN, finalN, stepsN) = RunLayer(layer, d, threads);
            Expect.BitIdentical(outputN, output1, $"output with {threads} threads");
            Expect.BitIdentical(finalN, final1, $"finalState with {threads} threads");
            Expect.BitIdentical(stepsN, steps1, $"Step outputs with {threads} threads");
        }, runs: Math.Max(20, Properties.Runs / 4));

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Network_results_do_not_depend_on_the_thread_count(SimdPath path) =>
        Properties.Check(Cases(), p =>
        {
            var (c, threads) = p;
            var d = c.Data();
            using var net = d.Network(path);
            var (outputs1, steps1) = RunNetwork(net, d, 1);
            var (outputsN, stepsN) = RunNetwork(net, d, threads);
            Expect.BitIdentical(outputsN, outputs1, $"outputs with {threads} threads");
            Expect.BitIdentical(stepsN, steps1, $"Step outputs with {threads} threads");
        }, runs: Math.Max(20, Properties.Runs / 4));

    /// <summary>
    /// Batches of at least two rows per thread, so that a forward can split them by rows: the
    /// tests lower <see cref="RnnSimd.Models.ElmanRunner.MinRowsPerThread"/> to 2 (its least), and
    /// vary the projection blocks so that a thread's block holds one or several steps.
    /// </summary>
    private static Arbitrary<(ElmanCase Case, int Threads, int BlockRows)> RowSplitCases() =>
        Generators.RowSplitCases.From(Arbitraries.ElmanCases(maxSteps: 6, maxBatch: 9), Gen.Choose(2, 4), Gen.Elements(0, 0, 65, 130),
            (c, threads, wide) => c with { B = c.B + 2 * threads - 1, H = c.H + wide }, c => c.B);

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Forwards_split_by_rows_give_the_one_thread_bits(SimdPath path) =>
        Properties.Check(RowSplitCases(), p =>
        {
            var (c, threads, blockRows) = p;
            CheckRowSplit(path, c, threads, blockRows, slow: -1);
        }, runs: Math.Max(20, Properties.Runs / 4));

    /// <summary>
    /// Row-split cases in which a thread's share can be halved (four rows or more at the tests'
    /// minimum of two) over two steps or more, and one thread made slow.
    /// </summary>
    private static Arbitrary<((ElmanCase Case, int Threads, int BlockRows) Split, int Slow)> SlowRowSplitCases() =>
        SlowThreadCases.FromRowSplit(Generators.RowSplitCases.From(Arbitraries.ElmanCases(maxSteps: 5, maxBatch: 9), Gen.Choose(2, 4), Gen.Elements(0, 0, 65),
            (c, threads, wide) => c with { T = c.T + 1, B = c.B + 4 * threads - 1, H = c.H + wide }, c => c.B));

    /// <summary>
    /// A thread made slow at every step of a forward split by rows hands half of its rows to a
    /// thread that has finished its own, from its next step on (and that one may hand on half
    /// again): the bits stay those of one thread, for the layer and the network's head.
    /// </summary>
    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Rows_left_by_a_slow_thread_are_handed_over_with_the_same_bits(SimdPath path) =>
        Properties.Check(SlowRowSplitCases(), q =>
        {
            var ((c, threads, blockRows), slow) = q;
            CheckRowSplit(path, c, threads, blockRows, slow);
        }, runs: Math.Max(10, Properties.Runs / 8));

    /// <summary>
    /// A layer's and a network's forward split by rows against one thread's bits; with
    /// <paramref name="slow"/> ≥ 0 that thread holds back before each step until another waits for
    /// rows, which it must then have handed over where its share can be halved.
    /// </summary>
    private static void CheckRowSplit(SimdPath path, ElmanCase c, int threads, int blockRows, int slow)
    {
        var d = c.Data();
        using var layer = d.Layer(path);
        using var net = d.Network(path);
        var (output1, final1, _) = RunLayer(layer, d, 1);
        var (outputs1, _) = RunNetwork(net, d, 1);

        using var layerSession = layer.CreateSession(c.T, c.B, threads);
        using var netSession = net.CreateSession(c.T, c.B, threads);
        foreach (var runner in new[] { layerSession.Runner, netSession.Runner })
        {
            runner.ParallelStepThreshold = 0;
            runner.MinRowsPerThread = 2;
            runner.ProjectionBlockRows = blockRows;
            Assert.True(runner.SplitsRows(c.B, threads));
            if (slow >= 0)
            {
                // The threads done wait for the slow one's next step, however long it takes.
                var handoff = runner.Handoff!;
                handoff.MinWait = TimeSpan.FromSeconds(30);
                runner.BeforeThreadStep = SlowThreadCases.UntilAnotherWaits(slow, () => handoff.Waiting);
            }
        }
        string what = slow >= 0 ? $"batch split over {threads} threads, thread {slow} slow" : $"batch split over {threads} threads";
        var output = new float[c.T * c.B * c.H];
        var final = new float[c.B * c.H];
        layerSession.Forward(d.X, c.T, c.B, output, final, d.InitialState);
        Expect.BitIdentical(output, output1, $"layer output, {what}");
        Expect.BitIdentical(final, final1, $"layer finalState, {what}");
        var outputs = new float[c.T * c.B * c.Y];
        netSession.Forward(d.X, c.T, c.B, outputs, new float[c.B * c.H], d.InitialState);
        Expect.BitIdentical(outputs, outputs1, $"network outputs, {what}");
        Assert.Equal(1, layerSession.Runner.RowSplitForwards);
        Assert.Equal(1, netSession.Runner.RowSplitForwards);
        if (slow >= 0 && BatchSplit.Share(c.B, slow, threads).Rows >= 4 && c.T >= 2)
        {
            Assert.True(layerSession.Runner.Handoff!.Handoffs >= 1, $"layer: no rows handed over by the slow thread {slow} of {threads}");
            Assert.True(netSession.Runner.Handoff!.Handoffs >= 1, $"network: no rows handed over by the slow thread {slow} of {threads}");
        }
    }

    [Fact]
    public void A_forward_splits_the_batch_from_eight_rows_per_thread()
    {
        var c = new ElmanCase(T: 2, B: 16, X: 3, H: 5, Y: 2, Bias: true, Act: Nonlinearity.Tanh, InitialState: false, Scale: 1f, Seed: 3);
        using var layer = c.Data().Layer(Isa.Best);
        using var session = layer.CreateSession(c.T, c.B, threads: 2);
        Assert.True(session.Runner.SplitsRows(16, 2));
        Assert.False(session.Runner.SplitsRows(15, 2));
        Assert.False(session.Runner.SplitsRows(23, 3));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => session.Runner.MinRowsPerThread = 1);
        Assert.Equal("value", e.ParamName);
    }

    /// <summary>
    /// A thread made slow at every step (here: made to sleep before its product, as a core busy
    /// elsewhere would be) leaves its panels to the others, which take them from the other end of
    /// its share: the bits stay those of one thread, whichever thread is slow.
    /// </summary>
    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Panels_left_by_a_slow_thread_are_taken_by_the_others_with_the_same_bits(SimdPath path) =>
        Properties.Check(
            SlowThreadCases.From(Cases()),
            p =>
            {
                var (c, threads, slow) = p;
                var d = c.Data();
                using var layer = d.Layer(path);
                var (output1, final1, _) = RunLayer(layer, d, 1);
                using var session = layer.CreateSession(c.T, c.B, threads);
                session.Runner.ParallelStepThreshold = 0;
                session.Runner.ProjectionBlockRows = 3;
                session.Runner.BeforeThreadStep = SlowThreadCases.Sleeper(slow);
                var output = new float[c.T * c.B * c.H];
                var final = new float[c.B * c.H];
                session.Forward(d.X, c.T, c.B, output, final, d.InitialState);
                Expect.BitIdentical(output, output1, $"output with {threads} threads, thread {slow} slow");
                Expect.BitIdentical(final, final1, $"finalState with {threads} threads, thread {slow} slow");
                // From the second step on, the slow thread's share is open before the others reach
                // it (the first waits for its projection), and they finish long before it wakes.
                if (!PanelRange.Share(layer.Weights.RecurrentWeights.PanelCount, slow, threads).IsEmpty)
                    Assert.True(session.Runner.Steals >= c.T - 1, $"{session.Runner.Steals} claims taken from the slow thread {slow} in {c.T} steps");
            }, runs: Math.Max(10, Properties.Runs / 8));

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Threaded_calls_allocate_nothing_on_any_thread(SimdPath path)
    {
        var c = new ElmanCase(T: 10, B: 2, X: 40, H: 200, Y: 9, Bias: true, Act: Nonlinearity.Tanh, InitialState: true, Scale: 1f, Seed: 8);
        var d = c.Data();
        using var net = d.Network(path);
        using var session = net.CreateSession(c.T, c.B, threads: 3);
        session.Runner.ParallelStepThreshold = 0;
        var outputs = new float[c.T * c.B * c.Y];
        var final = new float[c.B * c.H];
        var y = new float[c.B * c.Y];
        void Run()
        {
            session.Forward(d.X, c.T, c.B, outputs, final, d.InitialState);
            session.Step(d.X.AsSpan(0, c.B * c.X), y);
        }
        Allocation.AssertNoneOnAnyThread(Run, "threaded network");

        // The same with the batch split by rows.
        var rowCase = c with { B = 6 };
        var rowData = rowCase.Data();
        using var rowNet = rowData.Network(path);
        using var rowSession = rowNet.CreateSession(rowCase.T, rowCase.B, threads: 3);
        rowSession.Runner.ParallelStepThreshold = 0;
        rowSession.Runner.MinRowsPerThread = 2;
        var rowOutputs = new float[rowCase.T * rowCase.B * rowCase.Y];
        var rowFinal = new float[rowCase.B * rowCase.H];
        Allocation.AssertNoneOnAnyThread(() => rowSession.Forward(rowData.X, rowCase.T, rowCase.B, rowOutputs, rowFinal, rowData.InitialState),
            "threaded network split by rows");

        // And with rows handed over by a slow thread.
        var slowCase = c with { B = 12 };
        var slowData = slowCase.Data();
        using var slowNet = slowData.Network(path);
        using var slowSession = slowNet.CreateSession(slowCase.T, slowCase.B, threads: 3);
        slowSession.Runner.ParallelStepThreshold = 0;
        slowSession.Runner.MinRowsPerThread = 2;
        var slowHandoff = slowSession.Runner.Handoff!;
        slowHandoff.MinWait = TimeSpan.FromSeconds(30);
        slowSession.Runner.BeforeThreadStep = SlowThreadCases.UntilAnotherWaits(2, () => slowHandoff.Waiting);
        var slowOutputs = new float[slowCase.T * slowCase.B * slowCase.Y];
        var slowFinal = new float[slowCase.B * slowCase.H];
        Allocation.AssertNoneOnAnyThread(() => slowSession.Forward(slowData.X, slowCase.T, slowCase.B, slowOutputs, slowFinal, slowData.InitialState),
            "threaded network split by rows, rows handed over");
        Assert.True(slowHandoff.Handoffs > 0, "no rows handed over by the slow thread");
    }

    [Fact]
    public void Thread_count_is_checked_and_a_disposed_session_refuses_work()
    {
        var c = new ElmanCase(2, 1, 3, 5, 2, true, Nonlinearity.Tanh, false, 1f, 2);
        var d = c.Data();
        using var layer = d.Layer(Isa.Best);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => layer.CreateSession(2, 1, threads: 0));
        Assert.Equal("threads", e.ParamName);
        var session = layer.CreateSession(2, 1, threads: 2);
        Assert.Equal(2, session.Threads);
        session.Dispose();
        session.Dispose();
        Assert.Throws<ObjectDisposedException>(() => session.Forward(d.X, 2, 1, new float[10], new float[5]));
    }

    private static (float[] Output, float[] Final, float[] Steps) RunLayer(ElmanLayer layer, ElmanData d, int threads)
    {
        var c = d.Case;
        using var session = layer.CreateSession(c.T, c.B, threads);
        session.Runner.ParallelStepThreshold = 0;
        // Threaded runs also project in small blocks, so the threads cross block boundaries.
        if (threads > 1) session.Runner.ProjectionBlockRows = 3;
        var output = new float[c.T * c.B * c.H];
        var final = new float[c.B * c.H];
        session.Forward(d.X, c.T, c.B, output, final, d.InitialState);
        var steps = new float[c.T * c.B * c.H];
        if (c.InitialState) session.Reset(d.InitialState, c.B); else session.Reset(c.B);
        for (int t = 0; t < c.T; t++)
            session.Step(d.X.AsSpan(t * c.B * c.X, c.B * c.X), steps.AsSpan(t * c.B * c.H, c.B * c.H));
        return (output, final, steps);
    }

    private static (float[] Outputs, float[] Steps) RunNetwork(ElmanNetwork net, ElmanData d, int threads)
    {
        var c = d.Case;
        using var session = net.CreateSession(c.T, c.B, threads);
        session.Runner.ParallelStepThreshold = 0;
        if (threads > 1) session.Runner.ProjectionBlockRows = 3;
        var outputs = new float[c.T * c.B * c.Y];
        session.Forward(d.X, c.T, c.B, outputs, new float[c.B * c.H], d.InitialState);
        var steps = new float[c.T * c.B * c.Y];
        if (c.InitialState) session.Reset(d.InitialState, c.B); else session.Reset(c.B);
        for (int t = 0; t < c.T; t++)
            session.Step(d.X.AsSpan(t * c.B * c.X, c.B * c.X), steps.AsSpan(t * c.B * c.Y, c.B * c.Y));
        return (outputs, steps);
    }

    [Fact]
    public void Small_steps_run_on_the_caller_alone_with_the_same_bits()
    {
        var c = new ElmanCase(T: 5, B: 1, X: 8, H: 16, Y: 3, Bias: true, Act: Nonlinearity.Tanh, InitialState: false, Scale: 1f, Seed: 12);
        var d = c.Data();
        using var layer = d.Layer(Isa.Best);
        var (output1, _, _) = RunLayer(layer, d, 1);
        using var session = layer.CreateSession(c.T, c.B, threads: 2);
        Assert.True((long)c.B * c.H * (c.X + c.H) < session.Runner.ParallelStepThreshold);
        var output = new float[c.T * c.B * c.H];
        session.Forward(d.X, c.T, c.B, output, new float[c.B * c.H]);
        Expect.BitIdentical(output, output1, "small step with 2 threads");
    }
}
