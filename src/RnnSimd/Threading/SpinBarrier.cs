using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace RnnSimd.Threading;

/// <summary>
/// A reusable barrier for a fixed set of threads that meet once per time step. Waiters spin first
/// (a step takes microseconds; waking a blocked thread costs tens of microseconds or more: on a
/// two-core Zen 5 virtual machine 33–40 µs for the waker and 80–115 µs until the woken thread
/// runs, docs/benchmarks.md), then block, so that an
/// oversubscribed machine, or workers idle between calls, do not burn a core or livelock.
/// Allocates nothing per use.
/// </summary>
internal sealed class SpinBarrier
{
    private readonly int _participants;
    private readonly long _spinTicks;
    private readonly object _lock = new();
    private int _remaining;
    private int _generation;
    private int _sleepers;

    /// <param name="participants">Threads that must arrive before any leaves.</param>
    /// <param name="spin">How long a waiter spins before it blocks.</param>
    public SpinBarrier(int participants, TimeSpan spin)
    {
        _participants = participants;
        _remaining = participants;
        _spinTicks = (long)(spin.TotalSeconds * Stopwatch.Frequency);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void SignalAndWait()
    {
        int generation = Volatile.Read(ref _generation);
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            _remaining = _participants;
            // The increment is a full fence: it publishes the reset and everything this step wrote.
            Interlocked.Increment(ref _generation);
            // Dekker pairing with the sleeper's increment below: one of the two sees the other.
            if (Volatile.Read(ref _sleepers) > 0)
                WakeSleepers();
            return;
        }

        long deadline = Stopwatch.GetTimestamp() + _spinTicks;
        int spins = 0;
        while (Volatile.Read(ref _generation) == generation)
        {
            Thread.SpinWait(8);
            if ((++spins & 63) == 0 && Stopwatch.GetTimestamp() > deadline)
            {
                Block(generation);
                return;
            }
        }
    }

    /// <summary>
    /// Wakes the threads blocked in <see cref="Block"/>. Uninterruptible too: the generation has
    /// already moved on, so a Thread.Interrupt that made this thread give up on the contended lock
    /// would leave the sleepers waiting for a pulse that never comes, and every thread would hang at
    /// the next meeting. The interrupt is re-raised once they are woken.
    /// </summary>
    private void WakeSleepers()
    {
        bool interrupted = false;
        while (true)
        {
            try
            {
                lock (_lock)
                    Monitor.PulseAll(_lock);
                break;
            }
            catch (ThreadInterruptedException)
            {
                interrupted = true;
            }
        }
        if (interrupted)
            Thread.CurrentThread.Interrupt();
    }

    /// <summary>
    /// Waits for the generation to move on. Uninterruptible: this thread was already counted as
    /// arrived, so leaving early on Thread.Interrupt would put the threads out of step for good
    /// (later calls would meet the wrong barriers and compute on stale data). An interrupt that
    /// arrives here is re-raised once the barrier has been passed.
    /// </summary>
    private void Block(int generation)
    {
        bool interrupted = false;
        while (Volatile.Read(ref _generation) == generation)
        {
            try
            {
                lock (_lock)
                {
                    Interlocked.Increment(ref _sleepers);
                    try
                    {
                        while (Volatile.Read(ref _generation) == generation)
                            Monitor.Wait(_lock);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref _sleepers);
                    }
                }
            }
            catch (ThreadInterruptedException)
            {
                interrupted = true;
            }
        }
        if (interrupted)
            Thread.CurrentThread.Interrupt();
    }
}
