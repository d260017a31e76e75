// Shared with tools/BenchmarkTargets, which compiles this file too.

using System.Globalization;

static class Report
{
    /// <summary>Rows of the first markdown table in a BenchmarkDotNet GitHub report, keyed by column name.</summary>
    public static List<Dictionary<string, string>> Read(string path, params string[] requiredColumns)
    {
        if (!File.Exists(path)) throw new FileNotFoundException("benchmark report not found", path);
        string[]? header = null;
        var rows = new List<Dictionary<string, string>>();
        foreach (string line in File.ReadLines(path))
        {
            if (!line.TrimStart().StartsWith('|')) continue;
            string[] cells = line.Trim().Trim('|').Split('|')
                .Select(c => c.Replace("**", "").Trim()).ToArray();
            if (header is null) { header = cells; continue; }
            if (cells.All(c => c.Length == 0 || c.All(ch => ch is '-' or ':'))) continue; // separator or blank row
            if (cells.Length != header.Length)
                throw new InvalidDataException($"{path}: row has {cells.Length} cells, header has {header.Length}: {line}");
            rows.Add(header.Zip(cells).ToDictionary(p => p.First, p => p.Second));
        }
        if (header is null) throw new InvalidDataException($"{path}: no markdown table");
        foreach (string column in requiredColumns.Length > 0 ? requiredColumns : ["Method", "Shape", "Median"])
            if (!header.Contains(column)) throw new InvalidDataException($"{path}: no '{column}' column");
        return rows;
    }

    /// <summary>"6,395,810.9 ns", "1,827.093 μs", "12.5 ms", "1.2 s" → microseconds.</summary>
    public static double ParseMicroseconds(string text)
    {
        string[] parts = text.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2
            || !double.TryParse(parts[0], NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out double value))
            throw new FormatException($"cannot parse time '{text}'");
        double scale = parts[1] switch
        {
            "ns" => 1e-3,
            "us" or "µs" or "μs" => 1, // ASCII, micro sign U+00B5, Greek mu U+03BC
            "ms" => 1e3,
            "s" => 1e6,
            _ => throw new FormatException($"unknown time unit in '{text}'"),
        };
        return value * scale;
    }
}
