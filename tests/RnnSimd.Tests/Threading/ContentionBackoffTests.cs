using System.Diagnostics;
using RnnSimd.Threading;

namespace RnnSimd.Tests.Threading;

/// <summary>The busy-core pause, on a clock the test drives.</summary>
public class ContentionBackoffTests
{
    private static long Ms(double ms) => (long)(ms / 1000 * Stopwatch.Frequency);

    [Fact]
    public void Calls_on_time_never_start_a_pause()
    {
        var backoff = new ContentionBackoff();
        for (int i = 0; i < 100; i++)
        {
            backoff.Report(late: false, Ms(i));
            Assert.False(backoff.RunAlone(Ms(i)));
        }
        Assert.Equal(0, backoff.LateCalls);
    }

    [Fact]
    public void A_late_call_pauses_threading_for_the_first_pause()
    {
        var backoff = new ContentionBackoff();
        backoff.Report(late: true, Ms(1000));
        Assert.True(backoff.RunAlone(Ms(1000)));
        Assert.True(backoff.RunAlone(Ms(1009.9)));
        Assert.False(backoff.RunAlone(Ms(1010.1)));
        Assert.Equal(1, backoff.LateCalls);
    }

    [Fact]
    public void Each_late_threaded_call_in_a_row_doubles_the_pause_up_to_the_longest()
    {
        var backoff = new ContentionBackoff();
        long now = Ms(1000);
        var pauses = new List<double>();
        for (int i = 0; i < 12; i++)
        {
            backoff.Report(late: true, now);
            double pause = backoff.NextPause.TotalMilliseconds;
            pauses.Add(Math.Round(pause));
            Assert.True(backoff.RunAlone(now + Ms(pause) - Ms(0.1)));
            Assert.False(backoff.RunAlone(now + Ms(pause) + Ms(0.1)));
            // The next threaded call comes after the pause, however long the calls alone took.
            now += Ms(pause) + Ms(i * 7.3);
        }
        Assert.Equal([10, 20, 40, 80, 160, 320, 640, 1000, 1000, 1000, 1000, 1000], pauses);
    }

    [Fact]
    public void A_call_on_time_resets_the_pause()
    {
        var backoff = new ContentionBackoff();
        backoff.Report(late: true, Ms(0));
        backoff.Report(late: true, Ms(10.5));
        Assert.Equal(20, Math.Round(backoff.NextPause.TotalMilliseconds));
        backoff.Report(late: false, Ms(31));
        Assert.Equal(10, Math.Round(backoff.NextPause.TotalMilliseconds));
        Assert.False(backoff.RunAlone(Ms(31)));
        backoff.Report(late: true, Ms(40));
        Assert.Equal(10, Math.Round(backoff.NextPause.TotalMilliseconds));
        Assert.False(backoff.RunAlone(Ms(50.5)));
    }
}
