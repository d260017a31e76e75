using System.Globalization;

namespace RnnSimd.Benchmarks;

/// <summary>
/// Each contender's largest difference from the double-precision reference over its whole output,
/// measured in setup and shown beside its time (<see cref="MaxErrorColumn"/>): a fast answer is only
/// worth quoting with how right it is.
/// </summary>
/// <remarks>Setup runs in the benchmark's own process, the column in the host's (<see cref="ProcessFigure"/>).</remarks>
public static class Agreement
{
    public static ProcessFigure Figure { get; } = new("MaxAbsErr");

    /// <summary>
    /// Max |actual − reference| over h_1..h_T and h_T (and c_T, when a cell state is given), printed
    /// for the column as "// MaxAbsErr contender value". NaN anywhere makes it NaN.
    /// </summary>
    /// <param name="reference">h_1..h_T, (T, B, H), from <see cref="DoubleElman.Forward"/> or <see cref="DoubleGated.Forward"/> on the same data.</param>
    /// <param name="referenceCell">An LSTM's c_T (B, H) from <see cref="DoubleGated.Forward"/>; empty for cells without one.</param>
    /// <param name="finalCell">The contender's c_T, as long as <paramref name="referenceCell"/>.</param>
    public static double Report(string contender, ElmanShape shape, double[] reference,
        ReadOnlySpan<float> output, ReadOnlySpan<float> finalState,
        ReadOnlySpan<double> referenceCell = default, ReadOnlySpan<float> finalCell = default)
    {
        int length = shape.T * shape.B * shape.H;
        if (output.Length != length || finalState.Length != shape.B * shape.H || reference.Length != length
            || finalCell.Length != referenceCell.Length || !(finalCell.IsEmpty || finalCell.Length == shape.B * shape.H))
            throw new ArgumentException($"{contender}: output of the wrong size for {shape.Name}.");

        double error = MaxAbsDifference(output, reference);
        error = Math.Max(error, MaxAbsDifference(finalState, reference.AsSpan(length - finalState.Length)));
        error = Math.Max(error, MaxAbsDifference(finalCell, referenceCell));
        Figure.Report(contender, error.ToString("R", CultureInfo.InvariantCulture));
        return error;
    }

    /// <summary><see cref="Report(string, ElmanShape, double[], ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{double}, ReadOnlySpan{float})"/> for a GRU or LSTM.</summary>
    public static double Report(string contender, GatedData data, DoubleGated.Result reference,
        ReadOnlySpan<float> output, ReadOnlySpan<float> finalHidden, ReadOnlySpan<float> finalCell) =>
        Report(contender, data.Shape.Shape, reference.Output, output, finalHidden, reference.FinalCell, finalCell);

    private static double MaxAbsDifference(ReadOnlySpan<float> actual, ReadOnlySpan<double> reference)
    {
        double max = 0;
        for (int i = 0; i < actual.Length; i++)
            max = Math.Max(max, Math.Abs(actual[i] - reference[i])); // Math.Max propagates NaN
        return max;
    }
}
