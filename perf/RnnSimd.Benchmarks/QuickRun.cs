using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace RnnSimd.Benchmarks;

/// <summary>
/// A smoke run of seconds, not minutes: which kernels this machine selected, and whether RnnSimd's
/// forward is correct, allocation-free and roughly as fast as expected on each standard shape.
/// Its numbers are indicative only; BenchmarkDotNet's run is the one to quote.
/// </summary>
public static class QuickRun
{
    /// <summary>Samples per shape: enough for a stable median, few enough for S5.</summary>
    private const int Samples = 31;

    /// <summary>Fewer samples are taken when a shape would exceed this (S5 at a few hundred ms per call).</summary>
    private static readonly TimeSpan SampleBudget = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Tiered compilation promotes hot methods only after 100 ms without new tier-0 compiles, and
    /// on a busy machine its background compiles lag further: with 300 ms, S1 (the first shape)
    /// was still timed at tier 0, ten times slower.
    /// </summary>
    private static readonly TimeSpan WarmupTime = TimeSpan.FromMilliseconds(1000);

    /// <summary>
    /// A sample shorter than this would be dominated by timer resolution and overhead: calls are
    /// timed in groups that last at least this long, and the per-call time divided out.
    /// </summary>
    private static readonly TimeSpan MinSampleTime = TimeSpan.FromMicroseconds(100);

    public static int Run(TextWriter output)
    {
        var total = Stopwatch.StartNew();
        output.WriteLine($"RnnSimd quick run: .NET {Environment.Version}, {RuntimeInformation.OSDescription}, " +
                         $"{RuntimeInformation.ProcessArchitecture}, {Environment.ProcessorCount} logical cores");
        output.WriteLine($"KernelRegistry.Selected: {KernelRegistry.Selected}");
        output.WriteLine($"Isa.Available: {string.Join(", ", Isa.Available)}");
        output.WriteLine();
        output.WriteLine(Row("shape", "T", "B", "X", "H", "median µs", "GFLOP/s", "alloc B/call"));
        foreach (ElmanShape shape in Shapes.Standard)
        {
            Result r = Measure(shape);
            output.WriteLine(Row(shape.Name, shape.T, shape.B, shape.X, shape.H,
                r.MedianMicroseconds.ToString("F2", CultureInfo.InvariantCulture),
                (shape.Flops / (r.MedianMicroseconds * 1e3)).ToString("F2", CultureInfo.InvariantCulture),
                r.AllocatedBytesPerCall.ToString("F0", CultureInfo.InvariantCulture)));
        }
        output.WriteLine();
        output.WriteLine($"Checked against the naive reference over the first {ElmanCheck.Steps} steps " +
                         $"(tolerance {ElmanCheck.Tolerance}); total {total.Elapsed.TotalSeconds:F1} s.");
        return 0;
    }

    private readonly record struct Result(double MedianMicroseconds, double AllocatedBytesPerCall);

    private static Result Measure(ElmanShape shape)
    {
        var data = new ElmanData(shape);
        using ElmanLayer layer = data.CreateLayer();
        ElmanLayerSession session = layer.CreateSession(shape.T, shape.B);
        ElmanCheck.AgreesWithNaive(data, "RnnSimd",
            (steps, output, final) => session.Forward(data.Input, steps, shape.B, output, final));

        void Forward() => session.Forward(data.Input, shape.T, shape.B, data.Output, data.FinalState);

        long warmupCalls = 0;
        var warmup = Stopwatch.StartNew();
        while (warmupCalls < 3 || warmup.Elapsed < WarmupTime)
        {
            Forward();
            warmupCalls++;
        }
        double estimateTicks = (double)warmup.ElapsedTicks / warmupCalls;
        int group = (int)Math.Clamp(Math.Ceiling(MinSampleTime.TotalSeconds * Stopwatch.Frequency / estimateTicks), 1, 1_000_000);
        int samples = (int)Math.Clamp(SampleBudget.TotalSeconds * Stopwatch.Frequency / (estimateTicks * group), 5, Samples);

        var perCallTicks = new double[samples];
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < samples; i++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int j = 0; j < group; j++)
                Forward();
            perCallTicks[i] = (double)(Stopwatch.GetTimestamp() - start) / group;
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Array.Sort(perCallTicks);
        double medianTicks = perCallTicks[samples / 2];
        return new Result(medianTicks * 1e6 / Stopwatch.Frequency, (double)allocated / ((long)samples * group));
    }

    private static string Row(params object[] cells)
    {
        int[] widths = [6, 4, 4, 6, 6, 12, 9, 13];
        var parts = cells.Select((c, i) => i == 0
            ? Convert.ToString(c, CultureInfo.InvariantCulture)!.PadRight(widths[i])
            : Convert.ToString(c, CultureInfo.InvariantCulture)!.PadLeft(widths[i]));
        return string.Concat(parts).TrimEnd();
    }
}
