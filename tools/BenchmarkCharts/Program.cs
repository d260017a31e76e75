// Draws PNG charts from the committed BenchmarkDotNet GitHub-markdown reports.
// Usage: dotnet run -c Release --project tools/BenchmarkCharts -- docs/benchmarks/amd-epyc-zen5
// Reads ElmanPeerBenchmarks.md, ElmanForwardBenchmarks.md and NaiveElmanBenchmarks.md from that folder
// and writes time-per-shape.png and percent-of-floor.png (1 thread) and time-per-shape-2-threads.png
// and percent-of-floor-2-threads.png next to them. Runs nothing, measures nothing.

using System.Globalization;
using ScottPlot;

if (args.Length != 1 || !Directory.Exists(args[0]))
{
    Console.Error.WriteLine("usage: BenchmarkCharts <report folder, e.g. docs/benchmarks/amd-epyc-zen5>");
    return 2;
}

string dir = args[0];
string[] shapes = ["S1", "S2", "S3", "B1H1024", "S4", "S5"];

// Machine floor per shape, in microseconds, at 1 thread: from the project's shared benchmark notes.
var floorUs = new Dictionary<string, double>
{
    ["S1"] = 0.61,
    ["S2"] = 42,
    ["S3"] = 161,
    ["B1H1024"] = 4441,
    ["S4"] = 5668,
    ["S5"] = 120917,
};

var peer = Report.Read(Path.Combine(dir, "ElmanPeerBenchmarks.md"));
var forward = Report.Read(Path.Combine(dir, "ElmanForwardBenchmarks.md"));
var naive = Report.Read(Path.Combine(dir, "NaiveElmanBenchmarks.md"));

// Contender -> shape -> median (µs), at 1 thread and at 2 (TensorPrimitives has no threads).
var oneThread = new (string Name, Dictionary<string, double> MedianUs, Color Color)[]
{
    ("RnnSimd", Medians(peer, "RnnSimd", threads: "1"), Color.FromHex("#1f77b4")),
    ("PyTorch", Medians(peer, "PyTorch", threads: "1"), Color.FromHex("#ff7f0e")),
    ("OnnxRuntime", Medians(peer, "OnnxRuntime", threads: "1"), Color.FromHex("#2ca02c")),
    ("TensorPrimitives", Medians(forward, "TensorPrimitives", threads: null), Color.FromHex("#9467bd")),
};
var twoThreads = new (string Name, Dictionary<string, double> MedianUs, Color Color)[]
{
    ("RnnSimd", Medians(peer, "RnnSimd", threads: "2"), Color.FromHex("#1f77b4")),
    ("PyTorch", Medians(peer, "PyTorch", threads: "2"), Color.FromHex("#ff7f0e")),
    ("OnnxRuntime", Medians(peer, "OnnxRuntime", threads: "2"), Color.FromHex("#2ca02c")),
};

foreach (var (threads, contenders) in new[] { ("1 thread", oneThread), ("2 threads", twoThreads) })
{
    Console.WriteLine(threads + ":");
    foreach (var (name, medians, _) in contenders)
        Console.WriteLine($"  {name,-17} " + string.Join("  ", shapes.Select(s =>
            $"{s}={(medians.TryGetValue(s, out var m) ? FormatUs(m) : "n/a")}")));
}
Console.WriteLine($"{"Naive (not drawn)",-19} " + string.Join("  ",
    Medians(naive, "Naive", threads: null).Select(kv => $"{kv.Key}={FormatUs(kv.Value)}")));

// Two cores halve the floor at best: twice the FMA peak, and W_hh split between two caches.
foreach (var (suffix, title, contenders, floorShare) in new[]
{
    ("", "1 thread", oneThread, 1.0),
    ("-2-threads", "2 threads", twoThreads, 0.5),
})
{
    string timePng = Path.Combine(dir, $"time-per-shape{suffix}.png");
    string floorPng = Path.Combine(dir, $"percent-of-floor{suffix}.png");
    DrawTimePerShape(timePng, contenders, title);
    DrawPercentOfFloor(floorPng, contenders, title, floorShare);
    Console.WriteLine($"wrote {timePng}");
    Console.WriteLine($"wrote {floorPng}");
}
return 0;

Dictionary<string, double> Medians(List<Dictionary<string, string>> rows, string method, string? threads)
{
    var result = new Dictionary<string, double>();
    foreach (var row in rows)
    {
        if (row["Method"] != method) continue;
        if (threads is not null && row["Threads"] != threads) continue;
        result[row["Shape"]] = Report.ParseMicroseconds(row["Median"]);
    }
    if (result.Count == 0)
        throw new InvalidDataException($"no rows for {method}" + (threads is null ? "" : $" at {threads} thread(s)"));
    return result;
}

// Grouped bars: one group per shape, one bar per contender. Position of bar j of n in group i.
double Position(int shape, int contender, int count) =>
    shape + (contender - (count - 1) / 2.0) * BarWidth;

void SetShapeTicks(Plot plot)
{
    plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
        Enumerable.Range(0, shapes.Length).Select(i => (double)i).ToArray(), shapes);
    plot.Axes.Bottom.MajorTickStyle.Length = 0;
    plot.Axes.SetLimitsX(-0.6, shapes.Length - 0.4);
    plot.XLabel("Shape");
    plot.ShowLegend(Alignment.UpperLeft);
}

void DrawTimePerShape(string path, (string Name, Dictionary<string, double> MedianUs, Color Color)[] contenders, string threads)
{
    // ScottPlot bars don't draw on log axes: plot log10(µs) from a common base and label the ticks.
    const double LogMin = -1; // 0.1 µs, below the fastest bar
    double maxLog = Math.Ceiling(contenders.SelectMany(c => c.MedianUs.Values).Max(Math.Log10));
    var plot = new Plot();
    plot.Font.Automatic();
    for (int c = 0; c < contenders.Length; c++)
    {
        var bars = new List<Bar>();
        for (int s = 0; s < shapes.Length; s++)
        {
            if (!contenders[c].MedianUs.TryGetValue(shapes[s], out double us)) continue;
            bars.Add(new Bar
            {
                Position = Position(s, c, contenders.Length),
                Value = Math.Log10(us),
                ValueBase = LogMin,
                Size = BarWidth * 0.9,
                FillColor = contenders[c].Color,
                LineWidth = 0,
            });
        }
        var plottable = plot.Add.Bars(bars);
        plottable.LegendText = contenders[c].Name;
        plottable.Color = contenders[c].Color;
    }

    var ticks = new ScottPlot.TickGenerators.NumericManual();
    for (int e = (int)LogMin; e <= maxLog; e++)
    {
        ticks.AddMajor(e, FormatUs(Math.Pow(10, e)));
        if (e < maxLog)
            for (int k = 2; k <= 9; k++)
                ticks.AddMinor(e + Math.Log10(k));
    }
    plot.Axes.Left.TickGenerator = ticks;
    plot.Axes.SetLimitsY(LogMin, maxLog);
    plot.Grid.MajorLineColor = Colors.Black.WithAlpha(0.15);
    plot.Grid.YAxisStyle.MinorLineStyle.Width = 1;
    plot.Grid.YAxisStyle.MinorLineStyle.Color = Colors.Black.WithAlpha(0.05);
    plot.Grid.XAxisStyle.MajorLineStyle.Width = 0;

    SetShapeTicks(plot);
    plot.YLabel("Median time (log scale)");
    plot.Title($"Elman forward, {threads}, median (lower is better)");
    plot.SavePng(path, 1200, 700);
}

void DrawPercentOfFloor(string path, (string Name, Dictionary<string, double> MedianUs, Color Color)[] contenders, string threads, double floorShare)
{
    var plot = new Plot();
    plot.Font.Automatic();
    double maxPercent = 0;
    for (int c = 0; c < contenders.Length; c++)
    {
        var bars = new List<Bar>();
        for (int s = 0; s < shapes.Length; s++)
        {
            if (!contenders[c].MedianUs.TryGetValue(shapes[s], out double us)) continue;
            double percent = floorUs[shapes[s]] * floorShare / us * 100;
            maxPercent = Math.Max(maxPercent, percent);
            bars.Add(new Bar
            {
                Position = Position(s, c, contenders.Length),
                Value = percent,
                Size = BarWidth * 0.9,
                FillColor = contenders[c].Color,
                LineWidth = 0,
                Label = percent.ToString(percent < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + "%",
            });
        }
        var plottable = plot.Add.Bars(bars);
        plottable.LegendText = contenders[c].Name;
        plottable.Color = contenders[c].Color;
        plottable.ValueLabelStyle.FontSize = 11;
    }

    plot.Axes.SetLimitsY(0, Math.Max(100, Math.Ceiling(maxPercent / 10) * 10) + 5);
    var ticks = new ScottPlot.TickGenerators.NumericManual();
    for (int p = 0; p <= Math.Max(100, maxPercent); p += 10)
        ticks.AddMajor(p, $"{p}%");
    plot.Axes.Left.TickGenerator = ticks;
    plot.Grid.MajorLineColor = Colors.Black.WithAlpha(0.15);
    plot.Grid.XAxisStyle.MajorLineStyle.Width = 0;

    SetShapeTicks(plot);
    plot.YLabel("Floor ÷ median × 100");
    plot.Title(floorShare == 1
        ? $"Share of the machine floor reached, {threads} (higher is better)"
        : $"Share of the machine floor reached, {threads}: floor = 1-thread floor × {floorShare} (higher is better)");
    plot.SavePng(path, 1200, 700);
}

static string FormatUs(double us) => us switch
{
    >= 1e6 => (us / 1e6).ToString("0.###", CultureInfo.InvariantCulture) + " s",
    >= 1e3 => (us / 1e3).ToString("0.###", CultureInfo.InvariantCulture) + " ms",
    _ => us.ToString("0.###", CultureInfo.InvariantCulture) + " µs",
};

partial class Program
{
    const double BarWidth = 0.2;
}
