using System.Diagnostics;

namespace RnnSimd.Threading;

/// <summary>
/// When a threaded call finds a partner late at a barrier (its core busy with other work), the
/// following calls run on the calling thread alone for a while, since a step then waits for a
/// thread the scheduler is not running: on two cores with the second one busy, LSTM S3 at two
/// threads took 18–26 ms a call against 0.65 ms with the core free, and 1.1 ms on one thread.
/// </summary>
/// <remarks>
/// The pause starts at <see cref="FirstPause"/> and doubles, up to <see cref="LongestPause"/>,
/// each time the first threaded call after a pause is late again (so that calls longer than the
/// pause, which would otherwise alternate between late threaded calls and calls alone, soon run
/// alone nearly always); a threaded call on time resets it. Which thread computes which part never
/// changes a bit, so this changes timing only.
/// Times are <see cref="Stopwatch"/> ticks, passed in so that tests can drive the clock.
/// </remarks>
internal sealed class ContentionBackoff
{
    public static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(10);
    public static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(1);

    private readonly long _firstTicks;
    private readonly long _longestTicks;
    private long _pauseTicks;
    private long _aloneUntil = long.MinValue;
    private bool _lastLate;

    /// <param name="firstPause">The first pause (<see cref="FirstPause"/> unless a test says otherwise); it doubles up to <see cref="LongestPause"/> or itself, whichever is longer.</param>
    public ContentionBackoff(TimeSpan? firstPause = null)
    {
        _firstTicks = Ticks(firstPause ?? FirstPause);
        _longestTicks = Math.Max(_firstTicks, Ticks(LongestPause));
        _pauseTicks = _firstTicks;
    }

    /// <summary>Threaded calls found late so far (for tests and diagnostics).</summary>
    public int LateCalls { get; private set; }

    /// <summary>Whether a call starting at <paramref name="now"/> should run on the caller alone.</summary>
    public bool RunAlone(long now) => now < _aloneUntil;

    /// <summary>Records how a threaded call that ended at <paramref name="now"/> went.</summary>
    public void Report(bool late, long now)
    {
        if (!late)
        {
            _pauseTicks = _firstTicks;
            _aloneUntil = long.MinValue;
            _lastLate = false;
            return;
        }
        LateCalls++;
        // The threaded call before this one was late too (calls alone report nothing): the core
        // is still busy, so wait longer this time.
        if (_lastLate)
            _pauseTicks = Math.Min(2 * _pauseTicks, _longestTicks);
        _lastLate = true;
        _aloneUntil = now + _pauseTicks;
    }

    /// <summary>The pause the last late call started (the first pause before any).</summary>
    public TimeSpan NextPause => TimeSpan.FromSeconds((double)_pauseTicks / Stopwatch.Frequency);

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
