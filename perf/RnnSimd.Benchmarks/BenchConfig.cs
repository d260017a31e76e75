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
    public static Job Job { get; } = Job.Default
        .WithWarmupCount(3)
        .WithIterationCount(15)
        .WithIterationTime(TimeInterval.FromMilliseconds(250))
        .WithUnrollFactor(1)
        .AsDefault();

    /// <param name="includeJob">
    /// False when the command line names a job: BenchmarkDotNet's parser lets a default job in the
    /// global config win over --job, so --job Dry would otherwise run the full job.
    /// </param>
    public static IConfig Create(bool includeJob)
    {
        var config = DefaultConfig.Instance
            .AddColumn(StatisticColumn.Median, ThroughputColumn.RecurrentGflops, new MaxErrorColumn())
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithOrderer(new OneThreadFirstOrderer());
        return includeJob ? config.AddJob(Job) : config;
    }
}
