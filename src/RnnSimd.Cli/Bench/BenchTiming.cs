namespace RnnSimd.Cli.Bench;

/// <summary>What the timer measured for one shape; times are seconds per call.</summary>
/// <param name="MedianSeconds">The median over the repetitions of each repetition's mean time per call.</param>
/// <param name="MinSeconds">The fastest repetition's mean time per call.</param>
/// <param name="MaxSeconds">The slowest repetition's mean time per call.</param>
/// <param name="Repetitions">Timed repetitions.</param>
/// <param name="CallsPerRepetition">Calls in each repetition.</param>
/// <param name="WarmupCalls">Untimed calls before them.</param>
/// <param name="AllocatedBytesPerCall">Managed bytes the calling thread allocated per timed call (0 expected).</param>
/// <param name="CallsRunAlone">
/// Timed calls that ran on the calling thread alone although the session has workers, because a
/// worker's core was busy (<see cref="RecurrentNetworkSession.CallsRunAlone"/>); 0 with one thread.
/// </param>
internal sealed record BenchTiming(
    double MedianSeconds,
    double MinSeconds,
    double MaxSeconds,
    int Repetitions,
    int CallsPerRepetition,
    int WarmupCalls,
    double AllocatedBytesPerCall,
    long CallsRunAlone)
{
    /// <summary>Calls in the timed repetitions.</summary>
    public long TimedCalls => (long)Repetitions * CallsPerRepetition;
}
