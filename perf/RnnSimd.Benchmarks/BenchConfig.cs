using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using Perfolizer.Horology;

namespace RnnSimd.Benchmarks;

/// <summary>The configuration every run of this project starts from.</summary>
public static class BenchConfig
{
    /// <summary>
    /// Fewer iterations than BenchmarkDotNet's default, so that the whole suite, the peers included
    /// (55 cases of ~6–20 s each), fits in about ten minutes on a 2-core machine; medians, not
    /// means, because other work on a shared machine shows up as outliers on one side. UnrollFactor
    /// 1 lets a call that takes 20–250 ms run once per iteration instead of 16 times; the loop
    /// overhead it adds is a nanosecond against a microsecond-scale S1 call, and BenchmarkDotNet
    /// subtracts it anyway. Marked default, so that
    /// command-line settings such as --iterationCount apply on top of it.
    /// </summary>
    /// <remarks>
    /// No forced full collection between iterations (GcForce false). After each full collection
    /// the base library's shared ArrayPool trims itself from the finalizer thread, and its trim
    /// calls GC.GetGCMemoryInfo, which allocates 288–336 bytes. MemoryDiagnoser counts every
    /// thread of the process, so when that trim lands inside its measured iteration the bytes are
    /// charged to the benchmark: GRU S4 at two threads showed 17 B per call (336 B over its 20
    /// calls) while RnnSimd allocated nothing, the finalizer thread running late because both
    /// cores were busy with the call. A process that sleeps 20 ms after
    /// GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect() shows the same 336 bytes, with one
    /// ArrayPool trim event inside the window. Allocations of the benchmarked code are still counted;
    /// a contender that allocates (PyTorch's result handles) still collects, in its own gen-0 GCs.
    /// A job named on the command line (--job) replaces this one, and with it this setting.
    /// </remarks>
    public static Job Job { get; } = Job.Default
        .WithWarmupCount(3)
        .WithIterationCount(15)
        .WithIterationTime(TimeInterval.FromMilliseconds(250))
        .WithUnrollFactor(1)
        .WithGcForce(false)
        .AsDefault();

    /// <param name="includeJob">
    /// False when the command line names a job: BenchmarkDotNet's parser lets a default job in the
    /// global config win over --job, so --job Dry would otherwise run the full job.
    /// </param>
    public static IConfig Create(bool includeJob)
    {
        var config = DefaultConfig.Instance
            .AddColumn(StatisticColumn.Median, ThroughputColumn.RecurrentGflops, new MaxErrorColumn(), new CallsAloneColumn())
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithOrderer(new OneThreadFirstOrderer());
        return includeJob ? config.AddJob(Job) : config;
    }
}
