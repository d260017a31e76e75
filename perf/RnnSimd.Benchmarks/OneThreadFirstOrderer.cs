using System.Collections.Immutable;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Order;
using BenchmarkDotNet.Running;

namespace RnnSimd.Benchmarks;

/// <summary>
/// Runs every one-thread case of a class before its cases on more threads; otherwise BenchmarkDotNet's
/// own order, and its own order in the summary.
/// </summary>
/// <remarks>
/// In parameter order, the one-thread S5 case of the peer class came straight after the two-thread S4
/// cases, each keeping both cores at full multiply-add load for many seconds, and it ran slower there
/// than the same call in the forward class (which comes after one-thread work) in 7 runs of 9: a
/// median of 1.39× its floor against 1.26; run alone, 1.20–1.25× in both. One-thread figures should
/// not depend on how hot the previous case left the machine. The first run in this order still gave
/// 1.35 (forward class 1.29), so whether the order was the cause is not settled (docs/benchmarks.md).
/// </remarks>
public sealed class OneThreadFirstOrderer : IOrderer
{
    private readonly IOrderer _default = DefaultOrderer.Instance;

    public IEnumerable<BenchmarkCase> GetExecutionOrder(ImmutableArray<BenchmarkCase> benchmarksCase, IEnumerable<BenchmarkLogicalGroupRule>? order = null)
        => _default.GetExecutionOrder(benchmarksCase, order).OrderBy(c => Threads(c) > 1); // a stable sort

    public IEnumerable<BenchmarkCase> GetSummaryOrder(ImmutableArray<BenchmarkCase> benchmarksCases, BenchmarkDotNet.Reports.Summary summary)
        => _default.GetSummaryOrder(benchmarksCases, summary);

    public string? GetHighlightGroupKey(BenchmarkCase benchmarkCase) => _default.GetHighlightGroupKey(benchmarkCase);

    public string? GetLogicalGroupKey(ImmutableArray<BenchmarkCase> allBenchmarksCases, BenchmarkCase benchmarkCase)
        => _default.GetLogicalGroupKey(allBenchmarksCases, benchmarkCase);

    public IEnumerable<IGrouping<string, BenchmarkCase>> GetLogicalGroupOrder(IEnumerable<IGrouping<string, BenchmarkCase>> logicalGroups, IEnumerable<BenchmarkLogicalGroupRule>? order = null)
        => _default.GetLogicalGroupOrder(logicalGroups, order);

    public bool SeparateLogicalGroups => _default.SeparateLogicalGroups;

    /// <summary>The case's Threads parameter, or 1 for classes that have none.</summary>
    private static int Threads(BenchmarkCase c)
        => c.Parameters.Items.FirstOrDefault(p => p.Name == "Threads")?.Value is int n ? n : 1;
}
