using RnnSimd.Kernels;

namespace RnnSimd.Models;

/// <summary>
/// The packed, immutable weights of one Elman layer (and, for the reference network, its output
/// head), in native memory owned here. Shared read-only by every session; lifetime as in
/// <see cref="LeasedWeights"/>.
/// </summary>
internal sealed unsafe class ElmanWeights : LeasedWeights
{
    private readonly AlignedBuffer? _bias;
    private readonly AlignedBuffer? _outputBias;

    public ElmanWeights(int inputSize, int hiddenSize, int outputSize,
        PackedMatrix inputWeights, PackedMatrix recurrentWeights, ReadOnlySpan<float> bias,
        PackedMatrix? outputWeights, ReadOnlySpan<float> outputBias)
    {
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        OutputSize = outputSize;
        InputWeights = inputWeights;
        RecurrentWeights = recurrentWeights;
        OutputWeights = outputWeights;
        if (!bias.IsEmpty)
        {
            _bias = new AlignedBuffer(bias.Length);
            bias.CopyTo(_bias.AsSpan());
        }
        if (!outputBias.IsEmpty)
        {
            _outputBias = new AlignedBuffer(outputBias.Length);
            outputBias.CopyTo(_outputBias.AsSpan());
        }
    }

    public int InputSize { get; }
    public int HiddenSize { get; }

    /// <summary>Y, or 0 without a head.</summary>
    public int OutputSize { get; }

    /// <summary>K = X, N = H.</summary>
    public PackedMatrix InputWeights { get; }

    /// <summary>K = H, N = H.</summary>
    public PackedMatrix RecurrentWeights { get; }

    /// <summary>K = H, N = Y, or null without a head.</summary>
    public PackedMatrix? OutputWeights { get; }

    /// <summary>H floats added to the projection, or null.</summary>
    public float* Bias => _bias is null ? null : _bias.Pointer;

    /// <summary>Y floats added by the head, or null.</summary>
    public float* OutputBias => _outputBias is null ? null : _outputBias.Pointer;

    protected override void FreeMemory()
    {
        InputWeights.Dispose();
        RecurrentWeights.Dispose();
        OutputWeights?.Dispose();
        _bias?.Dispose();
        _outputBias?.Dispose();
    }
}
