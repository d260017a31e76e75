using RnnSimd.Kernels;
using RnnSimd.Kernels.Vectors;

namespace RnnSimd;

/// <summary>What one SIMD path runs: its vector width and the name of each kernel it compiles.</summary>
/// <param name="Path">The path.</param>
/// <param name="Lanes">Floats per vector, as the compiled kernel sees it.</param>
/// <param name="HardwareAccelerated">Whether those vectors run on vector hardware here.</param>
/// <param name="Gemm">The packed matrix product (input projection, recurrent step, head).</param>
/// <param name="Tanh">The tanh kernel.</param>
/// <param name="Sigmoid">The sigmoid kernel.</param>
public sealed record KernelInfo(SimdPath Path, int Lanes, bool HardwareAccelerated, string Gemm, string Tanh, string Sigmoid)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Path} ({Lanes} lanes{(HardwareAccelerated ? "" : ", not accelerated")}): {Gemm}, {Tanh}, {Sigmoid}";
}

/// <summary>
/// Every path this machine can run and the kernels each selects. The names come from the compiled
/// generic instantiations (their vector type and its lane count), not from labels, so a runtime
/// switch that silently does nothing shows here.
/// </summary>
public static class KernelRegistry
{
    /// <summary>The kernels models use by default (<see cref="Isa.Best"/>).</summary>
    public static KernelInfo Selected => For(Isa.Best);

    /// <summary>The kernels of every available path, narrowest first.</summary>
    public static IReadOnlyList<KernelInfo> Available { get; } = Isa.Available.Select(For).ToArray();

    /// <summary>The kernels of <paramref name="path"/>.</summary>
    public static KernelInfo For(SimdPath path) => path switch
    {
        SimdPath.Vector512 => Describe<Vec512>(path),
        SimdPath.Vector256 => Describe<Vec256>(path),
        SimdPath.Vector128 => Describe<Vec128>(path),
        SimdPath.Scalar => Describe<VecScalar>(path),
        _ => throw new ArgumentOutOfRangeException(nameof(path), path, "Unknown SIMD path."),
    };

    internal static KernelInfo Describe<TVec>(SimdPath path) where TVec : struct, IVec<TVec>
    {
        int w = TVec.Count;
        int nr = PackedMatrix.VectorsPerPanel * w;
        return new KernelInfo(
            path, w, TVec.IsSupported && w > 1,
            Gemm: $"gemm_f32_{TVec.Name}_{(w == 16 ? 8 : 6)}x{nr}_gemv_1x{4 * nr}",
            Tanh: $"tanh_f32_{TVec.Name}_poly9_exp_div",
            Sigmoid: $"sigmoid_f32_{TVec.Name}_exp_div");
    }
}
