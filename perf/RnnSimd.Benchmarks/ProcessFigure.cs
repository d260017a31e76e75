using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace RnnSimd.Benchmarks;

/// <summary>
/// A figure a benchmark's own process measures (in setup or cleanup) and a column in the host's
/// process shows: it travels as a line "// NAME contender value" on standard output, which
/// BenchmarkDotNet keeps in the report of that benchmark's process.
/// </summary>
/// <param name="name">One word, the figure's name in the line.</param>
public sealed class ProcessFigure(string name)
{
    private readonly string _prefix = $"// {name} ";

    /// <summary>Prints the line for <paramref name="contender"/> (a benchmark method's name).</summary>
    public void Report(string contender, string value) => Console.WriteLine($"{_prefix}{contender} {value}");

    /// <summary>The value the case's process printed for its method (the last, if several launches did), or null.</summary>
    public string? Find(Summary summary, BenchmarkCase benchmarkCase)
    {
        if (summary[benchmarkCase] is not { } report)
            return null;
        string method = benchmarkCase.Descriptor.WorkloadMethod.Name;
        string? found = null;
        foreach (string line in report.ExecuteResults.SelectMany(r => r.StandardOutput ?? []))
        {
            if (!line.StartsWith(_prefix, StringComparison.Ordinal))
                continue;
            string[] parts = line[_prefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[0] == method)
                found = parts[1];
        }
        return found;
    }
}
