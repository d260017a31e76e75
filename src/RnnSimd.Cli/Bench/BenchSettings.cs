namespace RnnSimd.Cli.Bench;

/// <summary>The <c>bench</c> command's options, checked.</summary>
/// <param name="Cell">rnn (tanh), gru or lstm; one layer, one direction.</param>
/// <param name="Shapes">The shapes to run, in order.</param>
/// <param name="Threads">Threads per call (the session's).</param>
/// <param name="BudgetSeconds">Seconds of timed repetitions per shape.</param>
/// <param name="JsonPath">Where to write the figures as JSON, or null.</param>
internal sealed record BenchSettings(RecurrentCell Cell, IReadOnlyList<BenchShape> Shapes, int Threads, double BudgetSeconds, string? JsonPath)
{
    /// <summary>G: gates per hidden unit.</summary>
    public int Gates => Cell switch { RecurrentCell.Gru => 3, RecurrentCell.Lstm => 4, _ => 1 };
}
