using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace RnnSimd.Benchmarks;

/// <summary>
/// "n / m": of the m workload calls a threaded RnnSimd benchmark's process made (jitting, pilot,
/// warm-up and measured iterations), n ran on the calling thread alone (<see cref="CallsAlone"/>;
/// n also counts the few calls of the setup's agreement check, which m does not, and comes from
/// the last process when several were launched).
/// "-" for one thread, the peers, and benchmarks that report none.
/// </summary>
public sealed class CallsAloneColumn : IColumn
{
    public string Id => nameof(CallsAloneColumn);
    public string ColumnName => "RunAlone";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 2;
    public bool IsNumeric => false;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Threaded RnnSimd calls run on the calling thread alone (a worker found late: the busy-core pause) / all workload calls of the process";

    public bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(c => Find(summary, c) is not null);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        if (Find(summary, benchmarkCase) is not long alone)
            return "-";
        // Result repeats the measured iterations (after outlier removal): counted once, as Actual.
        long calls = summary[benchmarkCase]!.AllMeasurements
            .Where(m => m.IterationMode == IterationMode.Workload && m.IterationStage != IterationStage.Result)
            .Sum(m => m.Operations);
        CultureInfo culture = style.CultureInfo ?? CultureInfo.InvariantCulture;
        return $"{alone.ToString("N0", culture)} / {calls.ToString("N0", culture)}";
    }

    public override string ToString() => ColumnName;

    private static long? Find(Summary summary, BenchmarkCase benchmarkCase) =>
        CallsAlone.Figure.Find(summary, benchmarkCase) is { } text
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long alone) ? alone : null;
}
