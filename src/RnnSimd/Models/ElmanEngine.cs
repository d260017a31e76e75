using System.Runtime.CompilerServices;
using RnnSimd.Kernels;
using RnnSimd.Kernels.Activations;
using RnnSimd.Kernels.Vectors;

namespace RnnSimd.Models;

/// <summary>
/// The three products of an Elman forward, bound to one SIMD path and one activation. One virtual
/// call per product; everything below is specialised generic code.
/// </summary>
/// <remarks>Pointers are trusted: sessions validate at their public edge.</remarks>
internal abstract unsafe class ElmanEngine
{
    /// <summary>g (rows×H) = x (rows×X)·W_in + bias, columns of <paramref name="panels"/>: the input projection, hoisted over all time steps.</summary>
    public abstract void Project(int rows, float* x, float* g, PanelRange panels);

    /// <summary>
    /// <see cref="Project"/> of <paramref name="groups"/> groups of <paramref name="rows"/> rows,
    /// group g at x + g·<paramref name="xGroupStride"/> and g + g·<paramref name="gGroupStride"/>.
    /// </summary>
    public abstract void ProjectGroups(int groups, int rows, float* x, nint xGroupStride, float* g, nint gGroupStride, PanelRange panels);

    /// <summary>h (batch×H) = act(hPrev·W_hh + g), columns of <paramref name="panels"/>; <paramref name="h"/> may be <paramref name="g"/>.</summary>
    /// <remarks><paramref name="descending"/>: the panel order (and at batch 1 the order of k), alternated every step so that a W_hh about the size of a cache level is partly reused (see PackedGemm).</remarks>
    public abstract void Recur(int batch, float* hPrev, float* g, float* h, PanelRange panels, bool descending);

    /// <summary>y (rows×Y) = h·W_hy + b_y, columns of <paramref name="panels"/> (of W_hy): the output head.</summary>
    public abstract void Head(int rows, float* h, float* y, PanelRange panels);

    /// <summary>
    /// Runs every kernel variant a session can reach (<see cref="KernelWarmUp{TVec}"/>): steps of up
    /// to <paramref name="stepRows"/> rows, projections and heads of up to <paramref name="productRows"/>.
    /// </summary>
    public abstract void WarmUp(int stepRows, int productRows);

    public abstract KernelInfo Kernels { get; }

    public static ElmanEngine Create(SimdPath path, Nonlinearity nonlinearity, ElmanWeights weights) => path switch
    {
        SimdPath.Vector512 => Create<Vec512>(path, nonlinearity, weights),
        SimdPath.Vector256 => Create<Vec256>(path, nonlinearity, weights),
        SimdPath.Vector128 => Create<Vec128>(path, nonlinearity, weights),
        _ => Create<VecScalar>(path, nonlinearity, weights),
    };

    private static ElmanEngine Create<TVec>(SimdPath path, Nonlinearity nonlinearity, ElmanWeights weights)
        where TVec : struct, IVec<TVec>
        => nonlinearity == Nonlinearity.Relu
            ? new ElmanEngine<TVec, ReluActivation>(path, weights)
            : new ElmanEngine<TVec, TanhActivation>(path, weights);
}

internal sealed unsafe class ElmanEngine<TVec, TAct>(SimdPath path, ElmanWeights weights) : ElmanEngine
    where TVec : struct, IVec<TVec>
    where TAct : struct, IActivation
{
    public override KernelInfo Kernels { get; } = KernelRegistry.Describe<TVec>(path);

    public override void WarmUp(int stepRows, int productRows)
    {
        KernelWarmUp<TVec>.Gemm<IdentityActivation>(path, productRows);
        KernelWarmUp<TVec>.Gemm<TAct>(path, stepRows);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Project(int rows, float* x, float* g, PanelRange panels)
        => PackedGemm<TVec, IdentityActivation>.Run(rows, weights.InputWeights, x, weights.InputSize, weights.Bias, null, 0, g, weights.HiddenSize, panels);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void ProjectGroups(int groups, int rows, float* x, nint xGroupStride, float* g, nint gGroupStride, PanelRange panels)
        => PackedGemm<TVec, IdentityActivation>.RunGroups(groups, rows, weights.InputWeights, x, weights.InputSize, xGroupStride, weights.Bias,
            g, weights.HiddenSize, gGroupStride, panels);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Recur(int batch, float* hPrev, float* g, float* h, PanelRange panels, bool descending)
    {
        int hidden = weights.HiddenSize;
        PackedGemm<TVec, TAct>.Run(batch, weights.RecurrentWeights, hPrev, hidden, null, g, hidden, h, hidden, panels, descending);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Head(int rows, float* h, float* y, PanelRange panels)
        => PackedGemm<TVec, IdentityActivation>.Run(rows, weights.OutputWeights!, h, weights.HiddenSize, weights.OutputBias, null, 0, y, weights.OutputSize, panels);
}
