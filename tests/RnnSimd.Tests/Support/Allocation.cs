namespace RnnSimd.Tests.Support;

/// <summary>Zero allocation as an assertion: warmed-up calls, then 100 more that must allocate 0 bytes.</summary>
public static class Allocation
{
    public static void AssertNone(Action run)
    {
        for (int i = 0; i < 20; i++)
            run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
            run();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated == 0, $"100 warmed-up calls allocated {allocated} bytes.");
    }

    /// <summary>
    /// Threaded calls, counted over every thread of the process. The process-wide counter also sees
    /// other threads (the test runner's own, seen allocating 32 bytes once under ARM64 emulation).
    /// An allocation of ours would show in every attempt, 100 calls each; noise from elsewhere does
    /// not: the best of three must be 0.
    /// </summary>
    public static void AssertNoneOnAnyThread(Action run, string what)
    {
        for (int i = 0; i < 20; i++)
            run();
        var attempts = new List<long>();
        for (int attempt = 0; attempt < 3 && (attempts.Count == 0 || attempts[^1] != 0); attempt++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int i = 0; i < 100; i++)
                run();
            attempts.Add(GC.GetTotalAllocatedBytes(precise: true) - before);
        }
        Assert.True(attempts[^1] == 0, $"{what}: 100 threaded calls allocated {string.Join(", then ", attempts)} bytes (all threads).");
    }
}
