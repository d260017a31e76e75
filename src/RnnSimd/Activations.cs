using RnnSimd.Kernels;
using RnnSimd.Kernels.Activations;
using RnnSimd.Kernels.Vectors;

namespace RnnSimd;

/// <summary>
/// The element-wise functions the cells use, over spans: the same code the kernels fuse into
/// their epilogues. Error bounds: docs/numerics.md.
/// </summary>
public static class Activations
{
    /// <summary>destination[i] = tanh(source[i]); within 3 ulp, ±1 past saturation, NaN for NaN.</summary>
    /// <param name="source">Input values.</param>
    /// <param name="destination">At least as long as <paramref name="source"/>; may be the same memory (in place), not a shifted overlap.</param>
    /// <param name="path">The SIMD path; null for <see cref="Isa.Best"/>.</param>
    public static void Tanh(ReadOnlySpan<float> source, Span<float> destination, SimdPath? path = null)
        => Map<TanhActivation>(source, destination, path);

    /// <summary>destination[i] = 1/(1 + e^-source[i]); within 3 ulp, 1 past saturation, 0 where the result would be subnormal, NaN for NaN.</summary>
    /// <param name="source">Input values.</param>
    /// <param name="destination">At least as long as <paramref name="source"/>; may be the same memory (in place), not a shifted overlap.</param>
    /// <param name="path">The SIMD path; null for <see cref="Isa.Best"/>.</param>
    public static void Sigmoid(ReadOnlySpan<float> source, Span<float> destination, SimdPath? path = null)
        => Map<SigmoidActivation>(source, destination, path);

    /// <summary>destination[i] = max(source[i], 0), NaN for NaN.</summary>
    /// <param name="source">Input values.</param>
    /// <param name="destination">At least as long as <paramref name="source"/>; may be the same memory (in place), not a shifted overlap.</param>
    /// <param name="path">The SIMD path; null for <see cref="Isa.Best"/>.</param>
    public static void Relu(ReadOnlySpan<float> source, Span<float> destination, SimdPath? path = null)
        => Map<ReluActivation>(source, destination, path);

    private static void Map<TAct>(ReadOnlySpan<float> source, Span<float> destination, SimdPath? path)
        where TAct : struct, IActivation
    {
        if (destination.Length < source.Length)
            Check.ThrowTooShort(nameof(destination), destination.Length, source.Length, $"a source of {source.Length} elements");
        if (source.Overlaps(destination, out int offset) && offset != 0)
            throw new ArgumentException("destination partly overlaps source; it may only be the same memory (in place).", nameof(destination));
        destination = destination[..source.Length];
        switch (Isa.Resolve(path, nameof(path)))
        {
            case SimdPath.Vector512: ActivationMap<Vec512, TAct>.Run(source, destination); break;
            case SimdPath.Vector256: ActivationMap<Vec256, TAct>.Run(source, destination); break;
            case SimdPath.Vector128: ActivationMap<Vec128, TAct>.Run(source, destination); break;
            default: ActivationMap<VecScalar, TAct>.Run(source, destination); break;
        }
    }
}
