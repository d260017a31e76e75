using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;

namespace RnnSimd.Tests.Generators;

/// <summary>
/// Threaded cases with one of their threads chosen to be made slow at every step (the tests that
/// check that the others take its work). A case shrinks as its thread-count cases do, keeping the
/// slow thread among the threads left.
/// </summary>
internal static class SlowThreadCases
{
    public static Arbitrary<(T Case, int Threads, int Slow)> From<T>(Arbitrary<(T Case, int Threads)> cases) =>
        Arb.From(
            from p in cases.Generator
            from slow in Gen.Choose(0, p.Threads - 1)
            select (p.Case, p.Threads, Slow: slow),
            q => cases.Shrinker((q.Case, q.Threads)).Select(p => (p.Case, p.Threads, Math.Min(q.Slow, p.Threads - 1))));

    /// <summary>Row-split cases (<see cref="RowSplitCases"/>), each with one of its threads chosen to be slow; shrinks as they do.</summary>
    public static Arbitrary<((T Case, int Threads, int BlockRows) Split, int Slow)> FromRowSplit<T>(Arbitrary<(T Case, int Threads, int BlockRows)> split) =>
        Arb.From(
            from p in split.Generator
            from slow in Gen.Choose(0, p.Threads - 1)
            select (Split: p, Slow: slow),
            q => split.Shrinker(q.Split).Select(p => (p, Math.Min(q.Slow, p.Threads - 1))));

    /// <summary>
    /// A per-thread step hook for forwards split by rows: before each of its steps thread
    /// <paramref name="slow"/> waits until another thread is <paramref name="waiting"/> for rows to
    /// take over (at most ten seconds), so that it hands rows over at its next step however fast
    /// the machine (an emulator's threads included).
    /// </summary>
    public static Action<int> UntilAnotherWaits(int slow, Func<bool> waiting) => index =>
    {
        if (index != slow)
            return;
        long deadline = Stopwatch.GetTimestamp() + 10 * Stopwatch.Frequency;
        while (!waiting() && Stopwatch.GetTimestamp() < deadline)
            Thread.Sleep(1);
    };

    /// <summary>A per-thread step hook that puts thread <paramref name="slow"/> to sleep, as a core busy elsewhere would be.</summary>
    public static Action<int> Sleeper(int slow) => index =>
    {
        if (index == slow)
            Thread.Sleep(2);
    };
}
