namespace RnnSimd.Tests.Support;

/// <summary>Zero allocation as an assertion: warmed-up calls, then 100 more that must allocate 0 bytes.</summary>
public static class Allocation
{
    /// <summary>
    /// Calls on this thread. The runtime itself may allocate once on a calling thread while it
    /// moves a method to its optimised tier (seen once, 1,016 bytes in 100 calls, when the whole
    /// suite kept the tiering queue busy). An allocation of ours would show in every attempt of 100
    /// calls; a one-off of the runtime's does not: the best of three must be 0.
    /// </summary>
    public static void AssertNone(Action run) =>
        BestOfThree(run, GC.GetAllocatedBytesForCurrentThread, "100 warmed-up calls allocated {0} bytes.");

    /// <summary>
    /// Threaded calls, counted over every thread of the process. The process-wide counter also sees
    /// other threads (the test runner's own, seen allocating 32 bytes once under ARM64 emulation).
    /// An allocation of ours would show in every attempt, 100 calls each; noise from elsewhere does
    /// not: the best of three must be 0.
    /// </summary>
    public static void AssertNoneOnAnyThread(Action run, string what) =>
        BestOfThree(run, () => GC.GetTotalAllocatedBytes(precise: true), what + ": 100 threaded calls allocated {0} bytes (all threads).");

    private static void BestOfThree(Action run, Func<long> allocatedBytes, string message)
    {
        for (int i = 0; i < 20; i++)
            run();
        var attempts = new List<long>();
        for (int attempt = 0; attempt < 3 && (attempts.Count == 0 || attempts[^1] != 0); attempt++)
        {
            long before = allocatedBytes();
            for (int i = 0; i < 100; i++)
                run();
            attempts.Add(allocatedBytes() - before);
        }
        Assert.True(attempts[^1] == 0, string.Format(System.Globalization.CultureInfo.InvariantCulture, message, string.Join(", then ", attempts)));
    }
}
