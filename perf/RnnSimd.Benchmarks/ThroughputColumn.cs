using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace RnnSimd.Benchmarks;

/// <summary>
/// Work per median time: GFLOP/s of the Elman shapes (so shapes of very different sizes compare on
/// one scale and against the FMA peak), and the machine-limit benchmarks' FLOP/s and bytes/s that
/// RnnSimd's own GFLOP/s is read against. Units per nanosecond are 10^9 units per second.
/// </summary>
/// <param name="id">Unique among the columns of one summary.</param>
public sealed class ThroughputColumn(string id, string columnName, string legend, Func<BenchmarkCase, double?> unitsPerInvocation) : IColumn
{
    public const string ShapeParameter = "Shape";

    /// <summary>GFLOP/s of a benchmark with a Shape parameter naming one of <see cref="Shapes.All"/>.</summary>
    public static ThroughputColumn ElmanGflops { get; } = new(
        "ElmanGflops", "GFLOP/s",
        "2·T·B·H·(X+H) floating-point operations per median time, in 10^9 per second",
        c => c.Parameters.Items.FirstOrDefault(p => p.Name == ShapeParameter)?.Value is string name
            ? Shapes.All.FirstOrDefault(s => s.Name == name)?.Flops
            : null);

    public string Id { get; } = id;
    public string ColumnName { get; } = columnName;
    public string Legend { get; } = legend;
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;

    public bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(c => unitsPerInvocation(c) is not null);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? medianNs = summary[benchmarkCase]?.ResultStatistics?.Median;
        if (unitsPerInvocation(benchmarkCase) is not { } units || medianNs is not > 0)
            return "-";
        return (units / medianNs.Value).ToString("F2", style.CultureInfo);
    }

    public override string ToString() => ColumnName;
}

/// <summary>Adds the GFLOP/s column of <see cref="MachineLimitsBenchmarks.Fma"/>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class FmaGflopsColumnAttribute() : ColumnConfigBaseAttribute(new ThroughputColumn(
    "FmaGflops", "GFLOP/s",
    "2 × lanes × FMAs per median time, in 10^9 per second; '-' where the width is not hardware-accelerated",
    MachineLimitsBenchmarks.Fma.FlopsPerInvocation));

/// <summary>Adds the GB/s column of <see cref="MachineLimitsBenchmarks.ReadBandwidth"/>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ReadGBpsColumnAttribute() : ColumnConfigBaseAttribute(new ThroughputColumn(
    "ReadGBps", "GB/s",
    "Bytes read per median time, in 10^9 per second (not GiB)",
    MachineLimitsBenchmarks.ReadBandwidth.BytesPerInvocation));
