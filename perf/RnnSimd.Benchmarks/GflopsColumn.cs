using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace RnnSimd.Benchmarks;

/// <summary>
/// GFLOP/s from the median, so that shapes of very different sizes compare on one scale and
/// against the machine's FMA peak (docs/benchmarks.md).
/// </summary>
public sealed class GflopsColumn : IColumn
{
    public const string ShapeParameter = "Shape";

    public string Id => nameof(GflopsColumn);
    public string ColumnName => "GFLOP/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "2·T·B·H·(X+H) floating-point operations per median time, in 10^9 per second";

    public bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(c => ShapeOf(c) is not null);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? medianNs = summary[benchmarkCase]?.ResultStatistics?.Median;
        if (ShapeOf(benchmarkCase) is not { } shape || medianNs is not > 0)
            return "-";
        // FLOPs per nanosecond are GFLOP/s.
        return (shape.Flops / medianNs.Value).ToString("F2", style.CultureInfo);
    }

    public override string ToString() => ColumnName;

    private static ElmanShape? ShapeOf(BenchmarkCase benchmarkCase) =>
        benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == ShapeParameter)?.Value is string name
            ? Shapes.All.FirstOrDefault(s => s.Name == name)
            : null;
}
