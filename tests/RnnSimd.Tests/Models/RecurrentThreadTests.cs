using FsCheck;
using FsCheck.Fluent;
using RnnSimd.Kernels;
using RnnSimd.Threading;
using RnnSimd.Models;
using RnnSimd.Tests.Generators;
using RnnSimd.Tests.Support;

namespace RnnSimd.Tests.Models;

/// <summary>
/// Threads split each step by chunks of hidden units (all gates of a unit together), split a
/// large batch by rows, or, for a bidirectional network on two threads, take one direction each; any thread count gives the
/// single-thread bits, and nothing is allocated on any thread. Serial: these tests start their own threads.
/// </summary>
[Collection(nameof(SerialCollection))]
public class RecurrentThreadTests
{
    /// <summary>Wide hidden layers too, so that every path has several chunks to split.</summary>
    private static Arbitrary<(RecurrentCase Case, int Threads)> Cases() =>
        Arb.From(
            from c in RecurrentCase.Arbitrary(maxSteps: 4, maxBatch: 4, maxSize: 24).Generator
            from wide in Gen.Elements(0, 0, 40, 100)
            from threads in Gen.Choose(2, 4)
            select (Case: c with { H = c.H + wide }, Threads: threads),
            p => RecurrentCase.Arbitrary().Shrinker(p.Case).Select(c => (c, p.Threads))
                .Concat(p.Threads > 2 ? [(p.Case, p.Threads - 1)] : []));

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Results_do_not_depend_on_the_thread_count(SimdPath path) =>
        Properties.Check(Cases(), p =>
        {
            var (c, threads) = p;
            var d = c.Data();
            using var network = d.Network(path);
            var one = Run(network, d, 1);
            // The threaded run also projects in small blocks, so the threads cross block boundaries.
            var many = Run(network, d, threads, projectionBlockRows: 3);
            Expect.BitIdentical(many.Output, one.Output, $"output with {threads} threads");
            Expect.BitIdentical(many.FinalHidden, one.FinalHidden, $"h_n with {threads} threads");
            Expect.BitIdentical(many.FinalCell, one.FinalCell, $"c_n with {threads} threads");
            if (!c.Bidirectional)
                Expect.BitIdentical(StepOutputs(network, d, threads), StepOutputs(network, d, 1), $"Step outputs with {threads} threads");
        }, runs: Math.Max(20, Properties.Runs / 4));

    /// <summary>
    /// Batches of at least two rows per thread, forwards split by rows (<see cref="RnnSimd.Threading.BatchSplit"/>,
    /// its minimum lowered to 2), with projection blocks of one step or several.
    /// </summary>
    private static Arbitrary<(RecurrentCase Case, int Threads, int BlockRows)> RowSplitCases() =>
        Generators.RowSplitCases.From(RecurrentCase.Arbitrary(maxSteps: 4, maxBatch: 5, maxSize: 24), Gen.Choose(2, 3), Gen.Elements(0, 0, 40),
            (c, threads, wide) => c with { B = c.B + 2 * threads - 1, H = c.H + wide }, c => c.B);

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Forwards_split_by_rows_give_the_one_thread_bits(SimdPath path) =>
        Properties.Check(RowSplitCases(), p =>
        {
            var (c, threads, blockRows) = p;
            var d = c.Data();
            using var network = d.Network(path);
            var one = Run(network, d, 1);
            using var session = Session(network, d, threads, blockRows);
            session.Runner.MinRowsPerThread = 2;
            // A bidirectional network on two threads still runs a direction per thread.
            bool byRows = !(c.Bidirectional && threads == 2);
            Assert.Equal(byRows, session.Runner.SplitsRows(c.B, threads));
            var many = RecurrentNetworkPropertyTests.Run(d, session);
            Assert.Equal(byRows ? 1 : 0, session.Runner.RowSplitForwards);
            Expect.BitIdentical(many.Output, one.Output, $"output, batch split over {threads} threads");
            Expect.BitIdentical(many.FinalHidden, one.FinalHidden, $"h_n, batch split over {threads} threads");
            Expect.BitIdentical(many.FinalCell, one.FinalCell, $"c_n, batch split over {threads} threads");
        }, runs: Math.Max(20, Properties.Runs / 4));

    /// <summary>
    /// Row-split cases in which a thread's share can be halved (four rows or more at the tests'
    /// minimum of two), and one thread made slow.
    /// </summary>
    private static Arbitrary<((RecurrentCase Case, int Threads, int BlockRows) Split, int Slow)> SlowRowSplitCases() =>
        SlowThreadCases.FromRowSplit(Generators.RowSplitCases.From(RecurrentCase.Arbitrary(maxSteps: 4, maxBatch: 5, maxSize: 24), Gen.Choose(2, 3), Gen.Elements(0, 0, 40),
            (c, threads, wide) => c with { B = c.B + 4 * threads - 1, H = c.H + wide }, c => c.B));

    /// <summary>
    /// A thread made slow at every step of a forward split by rows hands half of its rows to a
    /// thread that has finished, in the last layer and direction, from its next step on: the bits
    /// stay those of one thread (lengths, batch-first input, initial states and proj_size included).
    /// </summary>
    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Rows_left_by_a_slow_thread_are_handed_over_with_the_same_bits(SimdPath path) =>
        Properties.Check(SlowRowSplitCases(), q =>
        {
            var ((c, threads, blockRows), slow) = q;
            CheckHandoff(path, c, threads, blockRows, slow);
        }, runs: Math.Max(10, Properties.Runs / 8));

    /// <summary>
    /// Fixed cases in which rows change threads inside a projection block of the backward
    /// direction, whose blocks run from the end (a taker must find the block its step is in), and
    /// with every option at once.
    /// </summary>
    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Rows_handed_over_inside_a_backward_block_give_the_one_thread_bits(SimdPath path)
    {
        RecurrentCase Case(RecurrentCell cell, int layers, int proj, int t, bool batchFirst, bool lengths, int seed) =>
            new(cell, Nonlinearity.Tanh, layers, Bidirectional: true, Bias: true, proj, T: t, B: 10, X: 3, H: 5,
                BatchFirst: batchFirst, H0: true, C0: cell == RecurrentCell.Lstm, Lengths: lengths, Scale: 1f, Seed: seed);
        foreach (int slow in new[] { 0, 1, 2 })
        {
            CheckHandoff(path, Case(RecurrentCell.Rnn, 1, 0, 3, false, false, 1), threads: 3, blockRows: 20, slow);
            CheckHandoff(path, Case(RecurrentCell.Gru, 2, 0, 5, true, true, 2), threads: 3, blockRows: 30, slow);
            CheckHandoff(path, Case(RecurrentCell.Lstm, 2, 2, 5, true, false, 3), threads: 3, blockRows: 20, slow);
        }
    }

    /// <summary>One forward split by rows with thread <paramref name="slow"/> holding back until another waits: the one-thread bits, and rows handed over where they can be.</summary>
    private static void CheckHandoff(SimdPath path, RecurrentCase c, int threads, int blockRows, int slow)
    {
        var d = c.Data();
        using var network = d.Network(path);
        var one = Run(network, d, 1);
        using var session = Session(network, d, threads, blockRows);
        session.Runner.MinRowsPerThread = 2;
        // The threads done wait for the slow one's next step, however long it takes.
        var handoff = session.Runner.Handoff!;
        handoff.MinWait = TimeSpan.FromSeconds(30);
        session.Runner.BeforeThreadStep = SlowThreadCases.UntilAnotherWaits(slow, () => handoff.Waiting);
        bool byRows = !(c.Bidirectional && threads == 2);
        var many = RecurrentNetworkPropertyTests.Run(d, session);
        string what = $"batch split over {threads} threads, thread {slow} slow, blocks of {blockRows} rows";
        Expect.BitIdentical(many.Output, one.Output, $"output, {what}");
        Expect.BitIdentical(many.FinalHidden, one.FinalHidden, $"h_n, {what}");
        Expect.BitIdentical(many.FinalCell, one.FinalCell, $"c_n, {what}");
        int longest = d.LengthsOrNull?.Max() ?? c.T;
        if (byRows && BatchSplit.Share(c.B, slow, threads).Rows >= 4 && longest >= 2)
            Assert.True(handoff.Handoffs >= 1, $"no rows handed over by the slow thread {slow} of {threads}");
    }

    [Fact]
    public void A_forward_splits_the_batch_from_eight_rows_per_thread()
    {
        var c = new RecurrentCase(RecurrentCell.Lstm, Nonlinearity.Tanh, 1, false, true, 0,
            T: 2, B: 16, X: 3, H: 5, BatchFirst: false, H0: false, C0: false, Lengths: false, Scale: 1f, Seed: 3);
        using var network = c.Data().Network(Isa.Best);
        using var session = network.CreateSession(c.T, c.B, threads: 2);
        Assert.True(session.Runner.SplitsRows(16, 2));
        Assert.False(session.Runner.SplitsRows(15, 2));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => session.Runner.MinRowsPerThread = 1);
        Assert.Equal("value", e.ParamName);
    }

    /// <summary>
    /// A thread made slow at every step (made to sleep before its share, as a core busy elsewhere
    /// would be) leaves its chunks to the others, which take them from the other end of its share:
    /// the bits stay those of one thread, whichever thread is slow, with the default projection
    /// blocks or blocks of a few rows (a share opens early only inside a block).
    /// </summary>
    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Chunks_left_by_a_slow_thread_are_taken_by_the_others_with_the_same_bits(SimdPath path) =>
        Properties.Check(
            SlowCasesWithBlocks(),
            p =>
            {
                var ((c, threads, slow), blockRows) = p;
                var d = c.Data();
                using var network = d.Network(path);
                var one = Run(network, d, 1);
                using var session = Session(network, d, threads, blockRows);
                session.Runner.BeforeThreadStep = SlowThreadCases.Sleeper(slow);
                var many = RecurrentNetworkPropertyTests.Run(d, session);
                Expect.BitIdentical(many.Output, one.Output, $"output with {threads} threads, thread {slow} slow");
                Expect.BitIdentical(many.FinalHidden, one.FinalHidden, $"h_n with {threads} threads, thread {slow} slow");
                Expect.BitIdentical(many.FinalCell, one.FinalCell, $"c_n with {threads} threads, thread {slow} slow");
                // The slow thread's share of every step but a projection block's first is open
                // before the others reach it, and they finish long before it wakes. (At a block's
                // first step it opens only once its owner has projected the block, which the others
                // may not wait for. A bidirectional network on two threads runs a direction per thread.)
                RecurrentSpec spec = c.Spec;
                int longest = d.LengthsOrNull?.Max() ?? c.T;
                int blockSteps = ProjectionBlocks.Steps(blockRows, c.B, longest);
                int blockStarts = (longest + blockSteps - 1) / blockSteps;
                int chunks = (c.H + network.Weights.Layout.ChunkWidth - 1) / network.Weights.Layout.ChunkWidth;
                if (!(spec.Bidirectional && threads == 2) && !PanelRange.Share(chunks, slow, threads).IsEmpty)
                {
                    long expected = (long)spec.NumLayers * spec.Directions * (longest - blockStarts);
                    Assert.True(session.Runner.Steals >= expected,
                        $"{session.Runner.Steals} claims taken from the slow thread {slow} with blocks of {blockSteps} steps, expected {expected} or more");
                }
            }, runs: Math.Max(10, Properties.Runs / 8));

    /// <summary>Slow-thread cases, each with a projection block size: the default, or a few rows (shrinks to the default).</summary>
    private static Arbitrary<((RecurrentCase Case, int Threads, int Slow) Slow, int BlockRows)> SlowCasesWithBlocks()
    {
        var slow = SlowThreadCases.From(Cases());
        return Arb.From(
            from p in slow.Generator
            from rows in Gen.Elements(ProjectionBlocks.DefaultRows, ProjectionBlocks.DefaultRows, 1, 2, 3, 5)
            select (Slow: p, BlockRows: rows),
            q => slow.Shrinker(q.Slow).Select(p => (p, q.BlockRows))
                .Concat(q.BlockRows != ProjectionBlocks.DefaultRows ? [(q.Slow, ProjectionBlocks.DefaultRows)] : []));
    }

    private static RecurrentNetworkPropertyTests.Outputs Run(RecurrentNetwork network, RecurrentData d, int threads,
        int projectionBlockRows = ProjectionBlocks.DefaultRows)
    {
        using var session = Session(network, d, threads, projectionBlockRows);
        return RecurrentNetworkPropertyTests.Run(d, session);
    }

    /// <summary>A session for the case that uses its threads whatever the step size, with the given projection blocks.</summary>
    private static RecurrentNetworkSession Session(RecurrentNetwork network, RecurrentData d, int threads, int projectionBlockRows)
    {
        var session = network.CreateSession(d.Case.T, d.Case.B, threads);
        session.Runner.ParallelStepThreshold = 0;
        session.Runner.ProjectionBlockRows = projectionBlockRows;
        return session;
    }

    private static float[] StepOutputs(RecurrentNetwork network, RecurrentData d, int threads)
    {
        RecurrentCase c = d.Case;
        using var session = network.CreateSession(1, c.B, threads);
        session.Runner.ParallelStepThreshold = 0;
        int hOut = c.Spec.HiddenOutputSize;
        var outputs = new float[c.T * c.B * hOut];
        for (int t = 0; t < c.T; t++)
            session.Step(d.X.AsSpan(t * c.B * c.X, c.B * c.X), outputs.AsSpan(t * c.B * hOut, c.B * hOut));
        return outputs;
    }

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Threaded_calls_allocate_nothing_on_any_thread(SimdPath path)
    {
        foreach (RecurrentCell cell in Enum.GetValues<RecurrentCell>())
        {
            var c = new RecurrentCase(cell, Nonlinearity.Tanh, 2, cell == RecurrentCell.Gru, true, cell == RecurrentCell.Lstm ? 50 : 0,
                T: 6, B: 3, X: 20, H: 100, BatchFirst: false, H0: true, C0: cell == RecurrentCell.Lstm, Lengths: true, Scale: 1f, Seed: 5);
            var d = c.Data();
            using var network = d.Network(path);
            // The bidirectional GRU on two threads runs its directions side by side; the others split steps.
            using var session = network.CreateSession(c.T, c.B, threads: c.Bidirectional ? 2 : 3);
            session.Runner.ParallelStepThreshold = 0;
            RecurrentSpec spec = c.Spec;
            var output = new float[c.T * c.B * spec.OutputSize];
            var hn = new float[spec.StateCount * c.B * spec.HiddenOutputSize];
            var cn = spec.HasCellState ? new float[spec.StateCount * c.B * c.H] : [];
            var y = new float[c.B * spec.HiddenOutputSize];
            void Call()
            {
                session.Forward(d.X, c.T, c.B, output, hn, cn, d.InitialHidden, d.InitialCell, d.Lengths);
                if (!c.Bidirectional)
                    session.Step(d.X.AsSpan(0, c.B * c.X), y);
            }
            Allocation.AssertNoneOnAnyThread(Call, $"{cell}");

            // The same forward with the batch split by rows, one thread slow: rows change threads.
            var rowCase = c with { B = 12, Bidirectional = false };
            var rowData = rowCase.Data();
            using var rowNetwork = rowData.Network(path);
            using var rowSession = rowNetwork.CreateSession(rowCase.T, rowCase.B, threads: 3);
            rowSession.Runner.ParallelStepThreshold = 0;
            rowSession.Runner.MinRowsPerThread = 2;
            var rowHandoff = rowSession.Runner.Handoff!;
            rowHandoff.MinWait = TimeSpan.FromSeconds(30);
            rowSession.Runner.BeforeThreadStep = SlowThreadCases.UntilAnotherWaits(2, () => rowHandoff.Waiting);
            var rowOutput = new float[rowCase.T * rowCase.B * spec.OutputSize];
            var rowHn = new float[rowCase.Spec.StateCount * rowCase.B * spec.HiddenOutputSize];
            var rowCn = spec.HasCellState ? new float[rowCase.Spec.StateCount * rowCase.B * c.H] : [];
            Allocation.AssertNoneOnAnyThread(
                () => rowSession.Forward(rowData.X, rowCase.T, rowCase.B, rowOutput, rowHn, rowCn, rowData.InitialHidden, rowData.InitialCell, rowData.Lengths),
                $"{cell} split by rows");
            if ((rowData.LengthsOrNull?.Max() ?? rowCase.T) >= 2)
                Assert.True(rowHandoff.Handoffs > 0, $"{cell}: no rows handed over by the slow thread");
        }
    }
}
