using System.Globalization;
using RnnSimd.Cli.Common;

namespace RnnSimd.Cli.Bench;

/// <summary>The benchmark's results as a text table for stdout.</summary>
internal static class BenchTable
{
    public static IEnumerable<string> Lines(BenchSettings settings, KernelInfo kernels, IReadOnlyList<BenchResult> results)
    {
        string cell = settings.Cell == RecurrentCell.Rnn ? "RNN (tanh)" : settings.Cell.ToString().ToUpperInvariant();
        yield return $"rnnsimd bench: {cell}, 1 layer, {settings.Threads} thread{(settings.Threads == 1 ? "" : "s")}, " +
                     $"path {kernels.Path} ({kernels.Gemm}), {Environment.ProcessorCount} processors";
        string[] header = ["shape", "T", "B", "X", "H", "median", "steps/s", "seq/s", "GFLOP/s", "reps x calls", "alloc B/call"];
        var rows = new List<string[]> { header };
        foreach (BenchResult r in results)
        {
            BenchShape s = r.Shape;
            rows.Add(
            [
                s.Name, Int(s.SequenceLength), Int(s.Batch), Int(s.InputSize), Int(s.HiddenSize),
                Time(r.Timing.MedianSeconds), Si(r.StepsPerSecond), Si(r.SequencesPerSecond),
                r.GflopsPerSecond.ToString("F1", CultureInfo.InvariantCulture),
                $"{Int(r.Timing.Repetitions)} x {Int(r.Timing.CallsPerRepetition)}",
                r.Timing.AllocatedBytesPerCall.ToString("0.#", CultureInfo.InvariantCulture),
            ]);
        }
        int[] widths = Enumerable.Range(0, header.Length).Select(c => rows.Max(row => row[c].Length)).ToArray();
        foreach (string[] row in rows)
            yield return string.Join("  ", row.Select((text, c) => c == 0 ? text.PadRight(widths[c]) : text.PadLeft(widths[c]))).TrimEnd();
        yield return "median: of the repetitions' mean time per call; steps/s = T·B / median; seq/s = B / median; " +
                     "GFLOP/s = 2·T·B·G·H·(X+H) / median (G = 1, 3, 4 for RNN, GRU, LSTM).";
        foreach (BenchResult r in results.Where(r => r.Timing.CallsRunAlone > 0))
            yield return $"{r.Shape.Name}: {r.Timing.CallsRunAlone} of {r.Timing.TimedCalls} timed calls ran on one thread: a worker's core " +
                         "was busy with other work (busy-core pause), so these figures mix in one-thread times.";
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>"812 ns", "2.41 µs", "6.98 ms", "1.23 s".</summary>
    public static string Time(double seconds) => seconds switch
    {
        < 1e-6 => Fixed(seconds * 1e9, "ns"),
        < 1e-3 => Fixed(seconds * 1e6, "µs"),
        < 1 => Fixed(seconds * 1e3, "ms"),
        _ => Fixed(seconds, "s"),
    };

    /// <summary>"1.27 M", "843 k", "12.5".</summary>
    public static string Si(double value) => value switch
    {
        >= 1e9 => Fixed(value / 1e9, "G"),
        >= 1e6 => Fixed(value / 1e6, "M"),
        >= 1e3 => Fixed(value / 1e3, "k"),
        _ => Fixed(value, "").TrimEnd(),
    };

    /// <summary>Three significant digits.</summary>
    private static string Fixed(double value, string unit)
    {
        string format = value >= 100 ? "F0" : value >= 10 ? "F1" : "F2";
        return value.ToString(format, CultureInfo.InvariantCulture) + " " + unit;
    }
}
