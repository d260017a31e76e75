using RnnSimd.Cli.Common;

namespace RnnSimd.Cli.Run;

/// <summary>
/// How x is laid out: T steps of B sequences, time-major (T, B, X), batch-first (B, T, X) or
/// unbatched (T, X), and the shapes that follow for the outputs and states (PyTorch's rules:
/// batch-first changes x and output only; unbatched drops B everywhere).
/// </summary>
/// <param name="Steps">T.</param>
/// <param name="Batch">B (1 when unbatched).</param>
/// <param name="Unbatched">x is (T, X).</param>
/// <param name="BatchFirst">x is (B, T, X) (never set for unbatched x).</param>
internal sealed record SequenceLayout(int Steps, int Batch, bool Unbatched, bool BatchFirst)
{
    /// <summary>Reads the layout from x's shape, which must end in <paramref name="features"/>.</summary>
    /// <param name="x">The x input.</param>
    /// <param name="features">X, what the model takes per step.</param>
    /// <param name="batchFirst">--batch-first.</param>
    /// <param name="model">The model, for messages: "the 1-layer GRU (...) in model.safetensors".</param>
    public static SequenceLayout Of(NpyInput x, int features, bool batchFirst, string model)
    {
        int[] s = x.Shape;
        string forms = batchFirst
            ? $"(B, T, {features}) with --batch-first, or unbatched (T, {features})"
            : $"(T, B, {features}), or unbatched (T, {features})";
        if (s.Length is not (2 or 3) || s[^1] != features)
            throw new CliException($"{x.File}: x has shape {Shapes.Format(s)}; {model} takes x as {forms}.");
        if (s.Any(d => d < 1))
            throw new CliException($"{x.File}: x has shape {Shapes.Format(s)}; T and B must be at least 1.");
        var layout = s.Length == 2 ? new SequenceLayout(s[0], 1, Unbatched: true, BatchFirst: false)
            : batchFirst ? new SequenceLayout(s[1], s[0], Unbatched: false, BatchFirst: true)
            : new SequenceLayout(s[0], s[1], Unbatched: false, BatchFirst: false);
        return layout;
    }

    /// <summary>A per-step array such as output: (T, B, n), (B, T, n) or (T, n).</summary>
    public int[] Sequence(int n) => Unbatched ? [Steps, n] : BatchFirst ? [Batch, Steps, n] : [Steps, Batch, n];

    /// <summary>A stack of states such as h0 or h_n: (rows, B, n), or (rows, n) when unbatched.</summary>
    public int[] States(int rows, int n) => Unbatched ? [rows, n] : [rows, Batch, n];

    /// <summary>One state per sequence, as the reference network's h0 and h_n: (B, n), or (n) when unbatched.</summary>
    public int[] Rows(int n) => Unbatched ? [n] : [Batch, n];

    /// <summary>The element count of <paramref name="shape"/>, or a message that the arrays would be too large.</summary>
    public static int Elements(int[] shape, NpyInput x)
        => Shapes.ElementCount(shape) ?? throw new CliException(
            $"{x.File}: x has shape {Shapes.Format(x.Shape)}, which would make an array of shape {Shapes.Format(shape)}, more elements than one array holds.");
}
