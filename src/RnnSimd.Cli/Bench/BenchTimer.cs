using System.Diagnostics;

namespace RnnSimd.Cli.Bench;

/// <summary>
/// Times one case within a time box. Warm up first, for a quarter of the budget but at least 0.5 s
/// and two calls: the JIT compiles the kernels' optimised code only after they have run a while
/// (measured here: S1 runs ~60× slower before that). Then calibrate the calls per repetition (doubling
/// until a batch takes a twentieth of the budget) so that one repetition takes about a tenth of it,
/// and run repetitions until the budget is spent (at least 3, at most 15). The timed loop calls the
/// case and reads <see cref="Stopwatch"/> and nothing else, so it allocates nothing. Timed calls that
/// the busy-core pause ran on one thread are counted (before and after the repetitions, not inside).
/// </summary>
internal static class BenchTimer
{
    private const int MinRepetitions = 3;
    private const int MaxRepetitions = 15;
    private const double MinWarmupSeconds = 0.5;

    /// <param name="case">The case to time.</param>
    /// <param name="budgetSeconds">Seconds of timed repetitions to aim for.</param>
    /// <param name="progress">Told what is happening between repetitions (never inside the timed loop).</param>
    public static BenchTiming Measure(BenchCase @case, double budgetSeconds, Action<string> progress)
    {
        progress("warming up");
        int warmupCalls = 0;
        long warmStart = Stopwatch.GetTimestamp();
        double warmupSeconds = Math.Max(MinWarmupSeconds, budgetSeconds / 4);
        do
        {
            @case.Forward();
            warmupCalls++;
        }
        while (warmupCalls < 2 || Stopwatch.GetElapsedTime(warmStart).TotalSeconds < warmupSeconds);

        progress("calibrating");
        long ignored = 0;
        int calls = 1;
        double seconds;
        while ((seconds = TimeCalls(@case, calls, ref ignored)) < budgetSeconds / 20 && calls < 1 << 29)
            calls *= 2;
        double perCall = seconds / calls;
        calls = (int)Math.Clamp(Math.Ceiling(budgetSeconds / 10 / perCall), 1, 1 << 30);

        var perRepetition = new double[MaxRepetitions];
        int repetitions = 0;
        double timed = 0;
        long allocated = 0;
        long aloneBefore = @case.CallsRunAlone;
        while (repetitions < MaxRepetitions && (repetitions < MinRepetitions || timed < budgetSeconds))
        {
            progress($"repetition {repetitions + 1} of {calls} call{(calls == 1 ? "" : "s")}");
            seconds = TimeCalls(@case, calls, ref allocated);
            perRepetition[repetitions++] = seconds / calls;
            timed += seconds;
        }

        double[] sorted = perRepetition[..repetitions];
        Array.Sort(sorted);
        double median = repetitions % 2 == 1 ? sorted[repetitions / 2] : (sorted[repetitions / 2 - 1] + sorted[repetitions / 2]) / 2;
        return new BenchTiming(median, sorted[0], sorted[^1], repetitions, calls, warmupCalls,
            (double)allocated / ((long)repetitions * calls), @case.CallsRunAlone - aloneBefore);
    }

    /// <summary>The timed loop: seconds for <paramref name="calls"/> calls; adds the bytes they allocated.</summary>
    private static double TimeCalls(BenchCase @case, int calls, ref long allocated)
    {
        long bytesBefore = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < calls; i++)
            @case.Forward();
        long end = Stopwatch.GetTimestamp();
        allocated += GC.GetAllocatedBytesForCurrentThread() - bytesBefore;
        return (double)(end - start) / Stopwatch.Frequency;
    }
}
