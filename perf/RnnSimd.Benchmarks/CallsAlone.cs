using System.Globalization;

namespace RnnSimd.Benchmarks;

/// <summary>
/// How many of a threaded RnnSimd session's calls ran on the calling thread alone (the busy-core
/// pause, docs/architecture.md "Threads"), printed when the benchmark's process ends and shown
/// beside its time (<see cref="CallsAloneColumn"/>): a two-thread median is only read right with
/// how many of its calls had one thread.
/// </summary>
public static class CallsAlone
{
    public static ProcessFigure Figure { get; } = new("CallsRunAlone");

    /// <summary>Prints the count for the column.</summary>
    public static void Report(string contender, long callsRunAlone) =>
        Figure.Report(contender, callsRunAlone.ToString(CultureInfo.InvariantCulture));
}
