using System.Globalization;

namespace RnnSimd.Cli.Bench;

/// <summary>One benchmark shape: T steps of B sequences of X features into H hidden units (docs/benchmarks.md).</summary>
/// <param name="Name">S1..S5, or "custom".</param>
/// <param name="SequenceLength">T.</param>
/// <param name="Batch">B.</param>
/// <param name="InputSize">X.</param>
/// <param name="HiddenSize">H.</param>
internal sealed record BenchShape(string Name, int SequenceLength, int Batch, int InputSize, int HiddenSize)
{
    /// <summary>The project's standard shapes.</summary>
    public static IReadOnlyList<BenchShape> Standard { get; } =
    [
        new("S1", 1, 1, 64, 128),
        new("S2", 100, 1, 64, 128),
        new("S3", 100, 1, 256, 256),
        new("S4", 50, 32, 256, 512),
        new("S5", 100, 64, 1024, 1024),
    ];

    /// <summary>Multiply-adds ×2 of one forward: 2·T·B·G·H·(X+H) for G gates.</summary>
    public double Flops(int gates) => 2.0 * SequenceLength * Batch * gates * HiddenSize * ((double)InputSize + HiddenSize);

    /// <summary>"T100 B1 X256 H256".</summary>
    public string Dimensions => string.Create(CultureInfo.InvariantCulture, $"T{SequenceLength} B{Batch} X{InputSize} H{HiddenSize}");

    /// <summary>Why these sizes cannot be run (an array would exceed what .NET holds), or null.</summary>
    public string? SizeProblem(int gates)
    {
        var cell = gates switch { 3 => RecurrentCell.Gru, 4 => RecurrentCell.Lstm, _ => RecurrentCell.Rnn };
        try
        {
            // The network's own limits, which count the packed weights' padding.
            new RecurrentSpec(cell, InputSize, HiddenSize).Validate();
        }
        catch (ArgumentException e)
        {
            // The library names its own properties; here they are the options.
            string reason = e.Message.Split(" (Parameter", 2)[0].ReplaceLineEndings(" ")
                .Replace("HiddenSize = ", "--hidden-size ", StringComparison.Ordinal)
                .Replace("InputSize = ", "--input-size ", StringComparison.Ordinal);
            return $"shape {Dimensions}: {reason}";
        }
        // The random weights, x (T·B rows of X) and the output (T·B rows of H).
        long rows = (long)SequenceLength * Batch;
        long weights = (long)gates * HiddenSize * Math.Max(InputSize, HiddenSize);
        long sequence = rows * Math.Max(InputSize, HiddenSize);
        return weights > Array.MaxLength || sequence > Array.MaxLength
            ? $"shape {Dimensions} needs arrays of more elements than .NET holds ({Math.Max(weights, sequence)})."
            : null;
    }
}
