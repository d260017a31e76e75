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
public static class WarmUpProbe
{
    public const string Variable = "RNNSIMD_WARMUP_PROBE";

    public const int MaxSteps = 6;
    public const int MaxBatch = 11;

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
    }

    private static void Recurrent<TScenario>(SimdPath path, RecurrentCell cell, Nonlinearity act, int proj, bool bidirectional)
    {
        var c = new RecurrentCase(cell, act, Layers: 2, bidirectional, Bias: true, proj, T: MaxSteps, B: MaxBatch, X: 5, H: 37,
            BatchFirst: false, H0: false, C0: false, Lengths: false, Scale: 1f, Seed: 7);
        var d = c.Data();
        using var network = d.Network(path);
        using var session = network.CreateSession(MaxSteps, MaxBatch);
        var output = new float[MaxSteps * MaxBatch * c.Spec.OutputSize];
        Calls<TScenario>(batch =>
        {
            if (!bidirectional)
            {
                session.Reset(batch);
                session.Step(d.X, output);
                session.Step(d.X, output);
            }
            for (int steps = 1; steps <= MaxSteps; steps++)
                session.Forward(d.X, steps, batch, output);
        });
    }

    /// <summary>The session's first calls, at the largest batch, then calls at every batch size, between the markers.</summary>
    private static void Calls<TScenario>(Action<int> calls)
    {
        Begin<TScenario>();
        for (int batch = MaxBatch; batch >= 1; batch--)
            calls(batch);
        End<TScenario>();
    }
}
