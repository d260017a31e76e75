// Checks the speed targets of the project's performance issues against one or more BenchmarkDotNet
// runs, each given as a results folder (BenchmarkDotNet's --artifacts folder, its results/
// subfolder, or docs/benchmarks/<machine> with the committed reports).
// Usage: dotnet run -c Release --project tools/BenchmarkTargets -- RUN1 [RUN2 ...]
// Prints one markdown table: per target, the ratio in every run, the median over the runs and in how
// many runs the target holds. A shared machine's speed drifts between minutes, and one run times its
// contenders minutes apart, so one run decides little where a target is close: the median over runs
// made at different times is the figure to quote (the issues' own peer figures are such medians).
// Exit code 0 when every target holds in the median over the runs, 1 when one does not, 2 on bad input.

using System.Globalization;

if (args.Length == 0)
{
    Console.Error.WriteLine("usage: BenchmarkTargets <results folder> [<results folder> ...]");
    return 2;
}

try
{
    return Check(args.Select(Run.Load).ToList());
}
catch (Exception e) when (e is IOException or InvalidDataException or FormatException or KeyNotFoundException)
{
    Console.Error.WriteLine($"BenchmarkTargets: {e.Message}");
    return 2;
}

static int Check(List<Run> runs)
{
    // The floors of the issues (µs, one core): the larger of all FLOPs at the FMA peak and W_hh streamed
    // once per step from the cache level it fits in (docs/benchmarks.md).
    (string Shape, double FloorUs, double MaxRatio)[] elman =
    [
        ("S1", 0.61, 2.0), ("S2", 42, 1.5), ("S3", 161, 1.5), ("B1H1024", 4441, 1.5), ("S4", 5668, 1.3), ("S5", 120917, 1.3),
    ];
    (string Cell, string Shape, double FloorUs, double MaxRatio)[] gated =
    [
        ("Gru", "S3", 614, 1.5), ("Lstm", "S3", 815, 1.5), ("Lstm", "S4", 22672, 1.2),
    ];

    var table = new List<string[]>();
    bool allHold = true;

    void Add(string label, string target, Func<Run, double?> measure, Func<double, bool> holds, string format)
    {
        double?[] values = runs.Select(measure).ToArray();
        double[] present = values.Where(v => v.HasValue).Select(v => v!.Value).ToArray();
        // A target no run measured is not met: it is listed, with nothing to show.
        double? median = present.Length == 0 ? null : Median(present);
        bool ok = median is { } m && holds(m);
        allHold &= ok;
        table.Add([label, target, .. values.Select(v => v is { } x ? x.ToString(format, CultureInfo.InvariantCulture) : "—"),
            (median?.ToString(format, CultureInfo.InvariantCulture) ?? "not measured") + (ok ? "" : " ✗"),
            $"{present.Count(holds)} of {runs.Count}"]);
    }

    foreach (var (shape, floor, max) in elman)
    {
        Add($"Elman {shape}, 1 thread (peer process) ÷ floor", $"≤ {max}",
            r => r.Median("ElmanPeerBenchmarks", "RnnSimd", ("Shape", shape), ("Threads", "1")) / floor, v => v <= max, "0.00");
        Add($"Elman {shape}, 1 thread (forward process) ÷ floor", $"≤ {max}",
            r => r.Median("ElmanForwardBenchmarks", "RnnSimd", ("Shape", shape)) / floor, v => v <= max, "0.00");
    }
    foreach (var (cell, shape, floor, max) in gated)
        Add($"{cell.ToUpperInvariant()} {shape}, 1 thread ÷ floor", $"≤ {max}",
            r => r.Median("GatedPeerBenchmarks", "RnnSimd", ("Cell", cell), ("Shape", shape), ("Threads", "1")) / floor, v => v <= max, "0.00");
    foreach (string shape in new[] { "S4", "S5" })
        Add($"Elman {shape}, 1 thread ÷ 2 threads", "≥ 1.8",
            r => r.Median("ElmanPeerBenchmarks", "RnnSimd", ("Shape", shape), ("Threads", "1"))
                 / r.Median("ElmanPeerBenchmarks", "RnnSimd", ("Shape", shape), ("Threads", "2")), v => v >= 1.8, "0.00");
    // A row that is not a target: each run's value, the median of the runs that have one and how many do.
    void ContextRow(string label, double?[] values)
    {
        double[] present = values.Where(v => v.HasValue).Select(v => v!.Value).ToArray();
        table.Add([label, "(context)", .. values.Select(v => v?.ToString("0.00", CultureInfo.InvariantCulture) ?? "—"),
            present.Length == 0 ? "—" : Median(present).ToString("0.00", CultureInfo.InvariantCulture),
            present.Length == runs.Count ? "" : $"{present.Length} of {runs.Count} measured"]);
    }

    foreach (var (shape, _, _) in elman)
        Add($"Elman {shape}, 1 thread: best peer ÷ RnnSimd", "> 1",
            r => BestPeer(r, "ElmanPeerBenchmarks", ("Shape", shape), ("Threads", "1")), v => v > 1, "0.00");
    foreach (var (cell, shape, _, _) in gated)
        Add($"{cell.ToUpperInvariant()} {shape}, 1 thread: best peer ÷ RnnSimd", "> 1",
            r => BestPeer(r, "GatedPeerBenchmarks", ("Cell", cell), ("Shape", shape), ("Threads", "1")), v => v > 1, "0.00");
    var peaks = runs.Select(r => r.FmaPeak()).ToArray();
    if (peaks.Any(p => p.HasValue))
    {
        table.Add(["FMA peak, Vector512 (GFLOP/s, context)", "—",
            .. peaks.Select(p => p?.ToString("0.0", CultureInfo.InvariantCulture) ?? "—"),
            Median(peaks.Where(p => p.HasValue).Select(p => p!.Value).ToArray()).ToString("0.0", CultureInfo.InvariantCulture), ""]);

        // Context, not targets: the FLOP-bound shapes against the peak the same run measured instead
        // of the issues' fixed one, since this machine's FMA benchmark moves between runs.
        void Context(string label, Func<Run, double?> microseconds, double gflop)
            => ContextRow(label, runs.Select((r, i) => microseconds(r) is { } us && peaks[i] is { } peak ? us / (gflop / peak * 1e6) : (double?)null).ToArray());
        foreach (var (shape, gflop) in new[] { ("S4", 2.0 * 50 * 32 * 512 * 768 / 1e9), ("S5", 2.0 * 100 * 64 * 1024 * 2048 / 1e9) })
        {
            Context($"Elman {shape}, 1 thread (peer process) ÷ FLOPs at the run's FMA peak",
                r => r.Median("ElmanPeerBenchmarks", "RnnSimd", ("Shape", shape), ("Threads", "1")), gflop);
            Context($"Elman {shape}, 1 thread (forward process) ÷ FLOPs at the run's FMA peak",
                r => r.Median("ElmanForwardBenchmarks", "RnnSimd", ("Shape", shape)), gflop);
        }
        Context("LSTM S4, 1 thread ÷ FLOPs at the run's FMA peak",
            r => r.Median("GatedPeerBenchmarks", "RnnSimd", ("Cell", "Lstm"), ("Shape", "S4"), ("Threads", "1")), 2.0 * 50 * 32 * 4 * 512 * (256 + 512) / 1e9);
    }

    // Context: what splitting S4's step product over two cores gained in the same run (perf's
    // MachineLimitsBenchmarks.TwoCores: the same work on one core and on two, each row in its own
    // process), and the S4 forward's two-thread gain as a fraction of it.
    double?[] twoCores = runs.Select(r => r.TwoCoresGain()).ToArray();
    if (twoCores.Any(g => g.HasValue))
    {
        ContextRow("S4 step product, two cores ÷ one core (separate processes)", twoCores);
        ContextRow("Elman S4, (1 thread ÷ 2 threads) ÷ that", runs.Select((r, i) =>
            r.Median("ElmanPeerBenchmarks", "RnnSimd", ("Shape", "S4"), ("Threads", "1"))
            / r.Median("ElmanPeerBenchmarks", "RnnSimd", ("Shape", "S4"), ("Threads", "2")) / twoCores[i]).ToArray());
    }

    string[] header = ["target", "limit", .. runs.Select((r, i) => $"run {i + 1}"), "median of runs", "runs within"];
    Console.WriteLine("| " + string.Join(" | ", header) + " |");
    Console.WriteLine("|---|---|" + string.Concat(Enumerable.Repeat("---:|", header.Length - 2)));
    foreach (string[] row in table)
        Console.WriteLine("| " + string.Join(" | ", row) + " |");
    Console.WriteLine();
    for (int i = 0; i < runs.Count; i++)
        Console.WriteLine($"run {i + 1}: {runs[i].Folder}");

    var allocating = runs.SelectMany(r => r.AllocatingRnnSimdRows()).ToList();
    Console.WriteLine(allocating.Count == 0
        ? "Allocated per call: 0 B in every RnnSimd row of every run."
        : "RnnSimd rows that allocated:\n" + string.Join('\n', allocating));
    allHold &= allocating.Count == 0;
    return allHold ? 0 : 1;
}

static double? BestPeer(Run run, string report, params (string, string)[] parameters)
{
    double? rnnSimd = run.Median(report, "RnnSimd", parameters);
    double? torch = run.Median(report, "PyTorch", parameters);
    double? onnx = run.Median(report, "OnnxRuntime", parameters);
    if (rnnSimd is null || torch is null || onnx is null)
        return null;
    return Math.Min(torch.Value, onnx.Value) / rnnSimd.Value;
}

static double Median(double[] values)
{
    double[] sorted = values.Order().ToArray();
    int n = sorted.Length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

/// <summary>The reports of one BenchmarkDotNet run, by benchmark class.</summary>
sealed class Run
{
    private readonly Dictionary<string, List<Dictionary<string, string>>> _reports = new();

    private Run(string folder) => Folder = folder;

    public string Folder { get; }

    public static Run Load(string folder)
    {
        if (!Directory.Exists(folder))
            throw new IOException($"{folder}: no such folder");
        string results = Directory.Exists(Path.Combine(folder, "results")) ? Path.Combine(folder, "results") : folder;
        var run = new Run(folder);
        foreach (string name in new[] { "ElmanPeerBenchmarks", "ElmanForwardBenchmarks", "GatedPeerBenchmarks", "MachineLimitsBenchmarks.Fma", "MachineLimitsBenchmarks.TwoCores" })
        {
            // BenchmarkDotNet names a report after the class's full name; the committed copies drop the namespace.
            string? path = new[] { Path.Combine(results, name + ".md"), Path.Combine(results, $"RnnSimd.Benchmarks.{name}-report-github.md") }
                .FirstOrDefault(File.Exists);
            if (path is not null)
                run._reports[name] = name.StartsWith("MachineLimits", StringComparison.Ordinal)
                    ? Report.Read(path, "Method", "GFLOP/s")
                    : Report.Read(path, "Method", "Median");
        }
        if (!run._reports.Keys.Any(k => k.EndsWith("Benchmarks", StringComparison.Ordinal)))
            throw new InvalidDataException($"{folder}: no BenchmarkDotNet report of ElmanPeerBenchmarks, ElmanForwardBenchmarks or GatedPeerBenchmarks");
        return run;
    }

    /// <summary>The median (µs) of the row of <paramref name="method"/> with these parameter values, if the run has it.</summary>
    public double? Median(string report, string method, params (string Column, string Value)[] parameters)
    {
        if (!_reports.TryGetValue(report, out var rows))
            return null;
        var row = rows.FirstOrDefault(r => r["Method"] == method
            && parameters.All(p => r.TryGetValue(p.Column, out string? v) && v == p.Value));
        // BenchmarkDotNet writes NA for a case that failed or did not run.
        return row is null || row["Median"] == "NA" ? null : Report.ParseMicroseconds(row["Median"]);
    }

    public double? FmaPeak()
    {
        if (!_reports.TryGetValue("MachineLimitsBenchmarks.Fma", out var rows))
            return null;
        var row = rows.FirstOrDefault(r => r["Method"] == "Fma512");
        return row is null || !double.TryParse(row["GFLOP/s"], NumberStyles.Float, CultureInfo.InvariantCulture, out double gflops)
            ? null : gflops;
    }

    /// <summary>GFLOP/s of the two-thread row over the one-thread row of MachineLimitsBenchmarks.TwoCores, if the run has both.</summary>
    public double? TwoCoresGain()
    {
        if (!_reports.TryGetValue("MachineLimitsBenchmarks.TwoCores", out var rows))
            return null;
        double? Gflops(string threads)
        {
            var row = rows.FirstOrDefault(r => r.TryGetValue("Threads", out string? t) && t == threads);
            return row is not null && double.TryParse(row["GFLOP/s"], NumberStyles.Float, CultureInfo.InvariantCulture, out double g) ? g : null;
        }
        return Gflops("2") / Gflops("1");
    }

    public IEnumerable<string> AllocatingRnnSimdRows()
        => _reports.SelectMany(report => report.Value
            .Where(r => r["Method"] == "RnnSimd" && r.TryGetValue("Allocated", out string? a) && a is not ("-" or "0 B"))
            .Select(r => $"  {Folder}: {report.Key} {string.Join(", ", r.Where(c => c.Key is "Cell" or "Shape" or "Threads").Select(c => $"{c.Key}={c.Value}"))}: {r["Allocated"]}"));
}
