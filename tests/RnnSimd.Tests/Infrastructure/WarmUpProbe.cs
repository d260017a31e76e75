using System.Runtime.CompilerServices;
using RnnSimd.Tests.Generators;

namespace RnnSimd.Tests.Infrastructure;

/// <summary>
/// In a child copy of this test executable, with the JIT's summary of every method it compiles
/// written to a file: creates one session of each kind on one SIMD path, then, between two marker
/// methods, makes its first calls and calls at every batch size and length. Whatever the JIT
/// compiles between the markers is what a user's calls would wait for. A child, because in the test
/// process other tests have long since compiled every kernel.
/// </summary>
/// <remarks>
/// Sessions on two threads too, at sizes where the library's own thresholds (not a test's) choose
/// each path: from 16 rows a forward is split by rows, 15 rows (a step of 128 units over 160 inputs
/// plus 128 is then 2¹⁹ multiply-adds or more) take the workers split by hidden units, fewer run
/// on the caller alone; a bidirectional network on two threads runs a direction per thread at any
/// batch. The session's warm-up so runs both threaded paths, one after the other.
/// </remarks>
public static class WarmUpProbe
{
    public const string Variable = "RNNSIMD_WARMUP_PROBE";

    public const int MaxSteps = 6;
    public const int MaxBatch = 11;

    /// <summary>The two-thread sessions' largest batch; their calls visit <see cref="ThreadedBatches"/>, over up to <see cref="ThreadedMaxSteps"/> steps.</summary>
    public const int ThreadedMaxBatch = 32;
    public const int ThreadedMaxSteps = 3;

    /// <summary>
    /// Largest first: split by rows (31 and 17 in uneven shares), by hidden units (15), alone (14 and
    /// fewer); each side of each threshold (see the remarks).
    /// </summary>
    private static readonly int[] ThreadedBatches = [ThreadedMaxBatch, 31, 17, 16, 15, 14, 2, 1];

    /// <summary>The one-thread sessions' calls: every batch size, largest first.</summary>
    private static readonly int[] AllBatches = Enumerable.Range(1, MaxBatch).Reverse().ToArray();

    /// <summary>Scenarios the JIT summary must name.</summary>
    public const int Scenarios = 13;

    /// <summary>The child's work (<see cref="ChildProcess.RunProbeIfRequested"/>): the calls on the path <see cref="Variable"/> names.</summary>
    internal static int Run(string requested)
    {
        Run(Enum.Parse<SimdPath>(requested));
        return 0;
    }

    /// <summary>Runs the probe in a child, the JIT summary going to <paramref name="jitLog"/>.</summary>
    public static (int ExitCode, string Stdout, string Stderr) RunChild(SimdPath path, string jitLog, TimeSpan timeout)
    {
        var environment = new Dictionary<string, string>
        {
            [Variable] = path.ToString(),
            ["DOTNET_JitStdOutFile"] = jitLog,
            ["DOTNET_JitDisasmSummary"] = "1",
        };
        var result = ChildProcess.Run(environment, timeout, $"Warm-up probe on {path}");
        // Under qemu (the ARM64 CI run) this child once died inside the emulator ("free(): invalid
        // pointer", then "qemu: uncaught target signal 6"), which three reruns of the same build did
        // not repeat: one more try tells such an emulator fault from a fault of ours, which recurs.
        if (result.ExitCode != 0 && result.Stderr.Contains("qemu: uncaught target signal", StringComparison.Ordinal))
        {
            File.Delete(jitLog);
            result = ChildProcess.Run(environment, timeout, $"Warm-up probe on {path} (retried after an emulator fault)");
        }
        return result;
    }

    // One marker type per scenario: each Begin<T> and End<T> is its own instantiation, compiled (and
    // so named in the JIT summary) exactly when the scenario reaches it.
    private readonly struct ElmanLayerCalls;
    private readonly struct ElmanNetworkCalls;
    private readonly struct RnnReluCalls;
    private readonly struct GruCalls;
    private readonly struct LstmCalls;
    private readonly struct LstmProjectionCalls;
    private readonly struct BidirectionalGruCalls;
    private readonly struct ThreadedElmanLayerCalls;
    private readonly struct ThreadedElmanHandoffCalls;
    private readonly struct ThreadedElmanNetworkCalls;
    private readonly struct ThreadedLstmCalls;
    private readonly struct ThreadedLstmHandoffCalls;
    private readonly struct ThreadedBidirectionalGruCalls;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Begin<TScenario>() => Console.Out.Flush();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void End<TScenario>() => Console.Out.Flush();

    private static readonly ElmanCase Elman = new(T: MaxSteps, B: MaxBatch, X: 5, H: 37, Y: 3, Bias: true, Act: Nonlinearity.Tanh,
        InitialState: false, Scale: 1f, Seed: 5);

    private static void Run(SimdPath path)
    {
        var d = Elman.Data();
        using (var layer = d.Layer(path))
        using (var session = layer.CreateSession(MaxSteps, MaxBatch))
        {
            var output = new float[MaxSteps * MaxBatch * Elman.H];
            var final = new float[MaxBatch * Elman.H];
            Calls<ElmanLayerCalls>(batch =>
            {
                session.Reset(batch);
                session.Step(d.X, final);
                session.Step(d.X, final);
                for (int steps = 1; steps <= MaxSteps; steps++)
                    session.Forward(d.X, steps, batch, output, final);
            });
        }
        using (var network = d.Network(path))
        using (var session = network.CreateSession(MaxSteps, MaxBatch))
        {
            var output = new float[MaxSteps * MaxBatch * Elman.Y];
            var final = new float[MaxBatch * Elman.H];
            Calls<ElmanNetworkCalls>(batch =>
            {
                session.Reset(batch);
                session.Step(d.X, output);
                session.Step(d.X, output);
                for (int steps = 1; steps <= MaxSteps; steps++)
                    session.Forward(d.X, steps, batch, output, final);
            });
        }
        Recurrent<RnnReluCalls>(path, RecurrentCell.Rnn, Nonlinearity.Relu, proj: 0, bidirectional: false);
        Recurrent<GruCalls>(path, RecurrentCell.Gru, Nonlinearity.Tanh, proj: 0, bidirectional: false);
        Recurrent<LstmCalls>(path, RecurrentCell.Lstm, Nonlinearity.Tanh, proj: 0, bidirectional: false);
        Recurrent<LstmProjectionCalls>(path, RecurrentCell.Lstm, Nonlinearity.Tanh, proj: 3, bidirectional: false);
        Recurrent<BidirectionalGruCalls>(path, RecurrentCell.Gru, Nonlinearity.Tanh, proj: 0, bidirectional: true);
        Threaded(path);
    }

    /// <summary>Two-thread sessions whose sizes reach every threaded path (see the remarks); time-major and batch-first input.</summary>
    private static void Threaded(SimdPath path)
    {
        // The sizes must straddle the library's thresholds, or the scenarios would not reach the paths
        // they are for. The LSTM's 4·64 gate columns over 80 + 64 are the Elman layer's work per row;
        // the bidirectional GRU runs a direction per thread at any batch.
        const long workPerRow = 128L * (160 + 128);
        if (4L * 64 * (80 + 64) != workPerRow || 15 * workPerRow < RnnSimd.Models.ElmanRunner.DefaultParallelStepThreshold || 14 * workPerRow >= RnnSimd.Models.ElmanRunner.DefaultParallelStepThreshold
            || 16 < 2 * RnnSimd.Threading.BatchSplit.DefaultMinRowsPerThread || 15 >= 2 * RnnSimd.Threading.BatchSplit.DefaultMinRowsPerThread)
            throw new InvalidOperationException("The threaded probe's batches no longer straddle the thresholds: change ThreadedBatches.");
        var elman = new ElmanCase(T: ThreadedMaxSteps, B: ThreadedMaxBatch, X: 160, H: 128, Y: 3, Bias: true, Act: Nonlinearity.Tanh,
            InitialState: false, Scale: 1f, Seed: 11);
        var d = elman.Data();
        using (var layer = d.Layer(path))
        using (var session = layer.CreateSession(ThreadedMaxSteps, ThreadedMaxBatch, threads: 2))
        {
            NeverAlone(session.Runner.Pool!);
            var output = new float[ThreadedMaxSteps * ThreadedMaxBatch * elman.H];
            var final = new float[ThreadedMaxBatch * elman.H];
            Calls<ThreadedElmanLayerCalls>(ThreadedBatches, batch =>
            {
                LetWorkersBlock();
                session.Reset(batch);
                session.Step(d.X, final);
                session.Step(d.X, final);
                for (int steps = 1; steps <= ThreadedMaxSteps; steps++)
                    session.Forward(d.X, steps, batch, output, final);
            });
            ExpectPaths(session.Runner.ThreadedForwards, session.Runner.RowSplitForwards, bidirectional: false);

            // The worker waits before each step until the caller waits for rows: at batch 32 its rows
            // change threads mid-call (at 31 and 17 it has too few to halve).
            var handoff = session.Runner.Handoff!;
            session.Runner.BeforeThreadStep = RnnSimd.Tests.Generators.SlowThreadCases.UntilAnotherWaits(1, () => handoff.Waiting);
            handoff.MinWait = TimeSpan.FromSeconds(10);
            Calls<ThreadedElmanHandoffCalls>([ThreadedMaxBatch, 31, 17], batch =>
            {
                LetWorkersBlock();
                session.Forward(d.X, ThreadedMaxSteps, batch, output, final);
            });
            if (handoff.Handoffs == 0)
                throw new InvalidOperationException("The threaded probe's slow worker handed no rows over.");
        }
        // The network: the same threaded paths, and the head after them (split by panels).
        using (var elmanNetwork = d.Network(path))
        using (var session = elmanNetwork.CreateSession(ThreadedMaxSteps, ThreadedMaxBatch, threads: 2))
        {
            NeverAlone(session.Runner.Pool!);
            var output = new float[ThreadedMaxSteps * ThreadedMaxBatch * elman.Y];
            var final = new float[ThreadedMaxBatch * elman.H];
            Calls<ThreadedElmanNetworkCalls>(ThreadedBatches, batch =>
            {
                LetWorkersBlock();
                session.Reset(batch);
                session.Step(d.X, output);
                session.Step(d.X, output);
                for (int steps = 1; steps <= ThreadedMaxSteps; steps++)
                    session.Forward(d.X, steps, batch, output, final);
            });
            ExpectPaths(session.Runner.ThreadedForwards, session.Runner.RowSplitForwards, bidirectional: false);
        }
        ThreadedRecurrent<ThreadedLstmCalls>(path, RecurrentCell.Lstm, bidirectional: false);
        ThreadedRecurrent<ThreadedBidirectionalGruCalls>(path, RecurrentCell.Gru, bidirectional: true);

        // A two-layer LSTM whose worker waits for the caller: rows change threads in the last layer.
        var lstm = new RecurrentCase(RecurrentCell.Lstm, Nonlinearity.Tanh, Layers: 2, Bidirectional: false, Bias: true, Proj: 0, T: ThreadedMaxSteps,
            B: ThreadedMaxBatch, X: 80, H: 64, BatchFirst: false, H0: false, C0: false, Lengths: false, Scale: 1f, Seed: 17);
        var ld = lstm.Data();
        using var network = ld.Network(path);
        using var lstmSession = network.CreateSession(lstm.T, lstm.B, threads: 2);
        NeverAlone(lstmSession.Runner.Pool!);
        var lstmHandoff = lstmSession.Runner.Handoff!;
        lstmSession.Runner.BeforeThreadStep = RnnSimd.Tests.Generators.SlowThreadCases.UntilAnotherWaits(1, () => lstmHandoff.Waiting);
        lstmHandoff.MinWait = TimeSpan.FromSeconds(10);
        var lstmOutput = new float[lstm.T * lstm.B * lstm.Spec.OutputSize];
        Calls<ThreadedLstmHandoffCalls>([ThreadedMaxBatch, 31, 17], batch =>
        {
            LetWorkersBlock();
            lstmSession.Forward(ld.X, ThreadedMaxSteps, batch, lstmOutput);
            lstmSession.Forward(ld.X, ThreadedMaxSteps, batch, lstmOutput, batchFirst: true);
        });
        if (lstmHandoff.Handoffs == 0)
            throw new InvalidOperationException("The threaded probe's slow LSTM worker handed no rows over.");
    }


    /// <summary>
    /// No pause after a late call (under an emulator, workers are often late), so that every call
    /// takes the path its size chooses. Set after the session's warm-up, which it does not change.
    /// </summary>
    private static void NeverAlone(RnnSimd.Threading.WorkerPool pool) => pool.Backoff = new RnnSimd.Threading.ContentionBackoff(TimeSpan.Zero);

    /// <summary>
    /// A pause longer than the workers' spin, so that they block and the next call wakes them, as in
    /// a program that calls now and then: the calls take that path too.
    /// </summary>
    private static void LetWorkersBlock() => Thread.Sleep(5);

    /// <summary>That the calls took the paths the batches were chosen for: forwards split by rows and by hidden units, or (bidirectional) by directions.</summary>
    private static void ExpectPaths(long threaded, long byRows, bool bidirectional)
    {
        bool reached = bidirectional ? threaded > 0 && byRows == 0 : byRows > 0 && threaded > byRows;
        if (!reached)
            throw new InvalidOperationException(
                $"The threaded probe missed a path: {threaded} forwards on the workers, {byRows} of them split by rows (bidirectional: {bidirectional}).");
    }

    private static void Recurrent<TScenario>(SimdPath path, RecurrentCell cell, Nonlinearity act, int proj, bool bidirectional)
        => Recurrent<TScenario>(path, new RecurrentCase(cell, act, Layers: 2, bidirectional, Bias: true, proj, T: MaxSteps, B: MaxBatch, X: 5, H: 37,
            BatchFirst: false, H0: false, C0: false, Lengths: false, Scale: 1f, Seed: 7), threads: 1, AllBatches);

    /// <summary>Two-layer networks on 2 threads, X = 80 and H = 64 (see <see cref="Threaded"/>).</summary>
    private static void ThreadedRecurrent<TScenario>(SimdPath path, RecurrentCell cell, bool bidirectional)
        => Recurrent<TScenario>(path, new RecurrentCase(cell, Nonlinearity.Tanh, Layers: 2, bidirectional, Bias: true, Proj: 0, T: ThreadedMaxSteps,
            B: ThreadedMaxBatch, X: 80, H: 64, BatchFirst: false, H0: false, C0: false, Lengths: false, Scale: 1f, Seed: 13), threads: 2, ThreadedBatches);

    /// <summary>The case's session: Steps (unidirectional networks), then forwards of every length, time-major and batch-first, at each of <paramref name="batches"/>.</summary>
    private static void Recurrent<TScenario>(SimdPath path, RecurrentCase c, int threads, int[] batches)
    {
        var d = c.Data();
        using var network = d.Network(path);
        using var session = network.CreateSession(c.T, c.B, threads);
        if (threads > 1)
            NeverAlone(session.Runner.Pool!);
        var output = new float[c.T * c.B * c.Spec.OutputSize];
        Calls<TScenario>(batches, batch =>
        {
            if (threads > 1)
                LetWorkersBlock();
            if (!c.Bidirectional)
            {
                session.Reset(batch);
                session.Step(d.X, output);
                session.Step(d.X, output);
            }
            for (int steps = 1; steps <= c.T; steps++)
            {
                session.Forward(d.X, steps, batch, output);
                session.Forward(d.X, steps, batch, output, batchFirst: true);
            }
        });
        if (threads > 1)
            ExpectPaths(session.Runner.ThreadedForwards, session.Runner.RowSplitForwards, c.Bidirectional);
    }

    /// <summary>The session's first calls, at the largest batch, then calls at every batch size, between the markers.</summary>
    private static void Calls<TScenario>(Action<int> calls) => Calls<TScenario>(AllBatches, calls);

    /// <summary>The session's first calls, at the first of <paramref name="batches"/>, then calls at the others, between the markers.</summary>
    private static void Calls<TScenario>(int[] batches, Action<int> calls)
    {
        Begin<TScenario>();
        foreach (int batch in batches)
            calls(batch);
        End<TScenario>();
    }
}
