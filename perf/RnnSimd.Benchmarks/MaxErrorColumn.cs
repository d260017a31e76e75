using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace RnnSimd.Benchmarks;

/// <summary>
/// Each contender's agreement with the double-precision reference (<see cref="Agreement"/>), beside its
/// time. "-" where a benchmark reports none (the activation benchmarks) or ran in-process, where
/// BenchmarkDotNet keeps no standard output.
/// </summary>
public sealed class MaxErrorColumn : IColumn
{
    public string Id => nameof(MaxErrorColumn);
    public string ColumnName => "MaxAbsErr";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 1;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Max |output − reference| over the whole sequence (h_1..h_T, h_T and an LSTM's c_T), reference in float64, measured in setup";

    public bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(c => Find(summary, c) is not null);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
        Find(summary, benchmarkCase) is { } error ? error.ToString("0.0E+0", style.CultureInfo ?? CultureInfo.InvariantCulture) : "-";

    public override string ToString() => ColumnName;

    private static double? Find(Summary summary, BenchmarkCase benchmarkCase) =>
        Agreement.Figure.Find(summary, benchmarkCase) is { } text
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double error) ? error : null;
}
