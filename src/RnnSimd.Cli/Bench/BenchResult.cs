namespace RnnSimd.Cli.Bench;

/// <summary>One shape's figures, derived from the median time per call.</summary>
/// <param name="Shape">The shape.</param>
/// <param name="Gates">G: 1 (RNN), 3 (GRU), 4 (LSTM).</param>
/// <param name="Timing">What was measured.</param>
internal sealed record BenchResult(BenchShape Shape, int Gates, BenchTiming Timing)
{
    /// <summary>2·T·B·G·H·(X+H).</summary>
    public double FlopsPerCall => Shape.Flops(Gates);

    /// <summary>Sequence steps per second: T·B (every step of every sequence in the batch) ÷ the median time.</summary>
    public double StepsPerSecond => (double)Shape.SequenceLength * Shape.Batch / Timing.MedianSeconds;

    /// <summary>Whole sequences per second: B ÷ the median time.</summary>
    public double SequencesPerSecond => Shape.Batch / Timing.MedianSeconds;

    /// <summary>Billions of floating-point operations per second at the median time.</summary>
    public double GflopsPerSecond => FlopsPerCall / Timing.MedianSeconds / 1e9;
}
