using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace RnnSimd.Benchmarks;

/// <summary>
/// Work per median time: GFLOP/s of the Elman, GRU and LSTM shapes (so shapes and cells of very
/// different sizes compare on one scale and against the FMA peak), and the machine-limit
/// benchmarks' FLOP/s and bytes/s that RnnSimd's own GFLOP/s is read against. Units per
/// nanosecond are 10^9 units per second.
/// </summary>
/// <param name="id">Unique among the columns of one summary.</param>
public sealed class ThroughputColumn(string id, string columnName, string legend, Func<BenchmarkCase, double?> unitsPerInvocation) : IColumn
{
    public const string ShapeParameter = "Shape";

    /// <summary>The parameter that names a gated benchmark's cell, a <see cref="RecurrentCell"/>.</summary>
    public const string CellParameter = "Cell";

    /// <summary>
    /// GFLOP/s of a benchmark with a Shape parameter naming one of <see cref="Shapes.All"/>: an Elman
    /// layer's, or, with a Cell parameter as well, that GRU's or LSTM's on the shape (G times as many FLOPs).
    /// One column for both, so that a summary joining the two kinds still counts each right.
    /// </summary>
    public static ThroughputColumn RecurrentGflops { get; } = new(
        "RecurrentGflops", "GFLOP/s",
        "2·T·B·G·H·(X+H) floating-point operations per median time, G = 1 (Elman), 3 (GRU), 4 (LSTM), in 10^9 per second",
        RecurrentFlops);

    /// <summary>FLOPs of one invocation from the case's Shape (and Cell) parameters; null without a known shape.</summary>
    public static double? RecurrentFlops(BenchmarkCase benchmarkCase)
    {
        if (Parameter(benchmarkCase, ShapeParameter) is not string name || Shapes.All.FirstOrDefault(s => s.Name == name) is not { } shape)
            return null;
        return Parameter(benchmarkCase, CellParameter) is RecurrentCell cell and not RecurrentCell.Rnn
            ? new GatedShape(cell, shape).Flops
            : shape.Flops;
    }

    private static object? Parameter(BenchmarkCase benchmarkCase, string name) =>
        benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == name)?.Value;

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

/// <summary>
/// Adds a Gelem/s column to an activation benchmark class: its <c>Length</c> floats per median
/// time. Elements per cycle are this over the clock, which the FMA benchmark gives (its GFLOP/s over
/// 2 FMA pipes × lanes × 2 FLOPs per cycle); docs/benchmarks.md does that division.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ElementsColumnAttribute(int length) : ColumnConfigBaseAttribute(new ThroughputColumn(
    "Elements", "Gelem/s",
    $"{length} elements per median time, in 10^9 per second",
    _ => length));

/// <summary>Adds the GFLOP/s column of <see cref="MachineLimitsBenchmarks.TwoCores"/>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class TwoCoresGflopsColumnAttribute() : ColumnConfigBaseAttribute(new ThroughputColumn(
    "TwoCoresGflops", "GFLOP/s",
    "2·M·K·N per product × products per median time, in 10^9 per second (the same work on one thread or split over two)",
    MachineLimitsBenchmarks.TwoCores.FlopsPerInvocation));
