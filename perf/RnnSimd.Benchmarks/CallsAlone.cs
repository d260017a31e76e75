using System.Globalization;

namespace RnnSimd.Benchmarks;

/// <summary>
/// How many of a threaded RnnSimd session's calls ran on the calling thread alone (the busy-core
/// pause, docs/architecture.md "Threads"), printed when the benchmark's process ends and shown
/// beside its time (<see cref="CallsAloneColumn"/>): a two-thread median is only read right with
/// how many of its calls had one thread.
/// </summary>
/// <remarks>
/// Cleanup runs in the benchmark's own process, the column in the host's: the count travels as a
/// line on standard output, like <see cref="Agreement"/>'s.
/// </remarks>
public static class CallsAlone
{
    public const string LinePrefix = "// CallsRunAlone ";

    /// <summary>Prints "// CallsRunAlone contender count" for the column.</summary>
    public static void Report(string contender, long callsRunAlone) =>
        Console.WriteLine($"{LinePrefix}{contender} {callsRunAlone.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Reads a line written by <see cref="Report"/>.</summary>
    public static bool TryParse(string line, out string contender, out long callsRunAlone)
    {
        contender = "";
        callsRunAlone = 0;
        if (!line.StartsWith(LinePrefix, StringComparison.Ordinal))
            return false;
        string[] parts = line[LinePrefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out callsRunAlone))
            return false;
        contender = parts[0];
        return true;
    }
}
