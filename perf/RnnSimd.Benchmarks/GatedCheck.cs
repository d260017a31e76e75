namespace RnnSimd.Benchmarks;

/// <summary>
/// Refuses to time RnnSimd's GRU or LSTM when its results disagree with the double-precision
/// reference, as <see cref="ElmanCheck"/> does for the Elman layer: a fast wrong answer would
/// otherwise look like a win. Peers are not refused, only reported (docs: libtorch's float32 LSTM
/// has been seen off by 0.3 on some sizes, and that is worth a column, not a failed run).
/// </summary>
public static class GatedCheck
{
    /// <summary>
    /// As <see cref="ElmanCheck.Tolerance"/>: far above float32 rounding over these sequences
    /// (~1e-6), far below what a swapped gate, a missing bias or a skipped step produce (~1e-1).
    /// Here over the whole sequence, since the reference is computed in setup anyway for MaxAbsErr.
    /// </summary>
    public const double Tolerance = ElmanCheck.Tolerance;

    /// <param name="error">The contender's <see cref="Agreement.Report(string, GatedData, DoubleGated.Result, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float})"/>.</param>
    public static void Within(string contender, GatedShape shape, double error)
    {
        if (!(error <= Tolerance))
            throw new InvalidOperationException(
                $"{contender} on {shape.Name} differs from the double-precision reference by {error} (tolerance {Tolerance}).");
    }
}
