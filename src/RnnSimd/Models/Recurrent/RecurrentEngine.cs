using System.Runtime.CompilerServices;
using RnnSimd.Kernels;
using RnnSimd.Kernels.Activations;
using RnnSimd.Kernels.Vectors;

namespace RnnSimd.Models.Recurrent;

/// <summary>
/// The products and cell updates of one layer step, bound to one SIMD path (and, for RNN cells,
/// one activation). One virtual call per product or per batch row; everything below is
/// specialised generic code.
/// </summary>
/// <remarks>Pointers are trusted: sessions validate at their public edge.</remarks>
internal abstract unsafe class RecurrentEngine
{
    /// <summary>xp (rows × gate columns, stride = gate columns) = x·W_ihᵀ + input bias, columns of <paramref name="panels"/>.</summary>
    public abstract void Project(LayerWeights layer, int rows, float* x, nint ldx, float* xp, PanelRange panels);

    /// <summary>
    /// <see cref="Project"/> of <paramref name="groups"/> groups of <paramref name="rows"/> rows,
    /// group g at x + g·<paramref name="xGroupStride"/> and xp + g·<paramref name="xpGroupStride"/>.
    /// </summary>
    public abstract void ProjectGroups(LayerWeights layer, int groups, int rows, float* x, nint ldx, nint xGroupStride, float* xp, nint xpGroupStride,
        PanelRange panels);

    /// <summary>RNN step: hNext = act(hPrev·W_hhᵀ + xp), the projected rows <paramref name="ldxp"/> apart.</summary>
    /// <remarks><paramref name="descending"/>: the panel order (and at batch 1 the order of k), alternated every step (see <see cref="PackedGemm{TVec, TAct}.Run(int, PackedMatrix, float*, nint, float*, float*, nint, float*, nint, PanelRange, bool)"/>).</remarks>
    public abstract void RecurRnn(LayerWeights layer, int batch, float* hPrev, nint ldh, float* xp, nint ldxp, float* hNext, PanelRange panels, bool descending);

    /// <summary>GRU/LSTM step's product: hg (batch × gate columns) = hPrev·W_hhᵀ + recurrent bias.</summary>
    public abstract void Recur(LayerWeights layer, int batch, float* hPrev, nint ldh, float* hg, PanelRange panels, bool descending);

    /// <summary>LSTM projection: h (batch × P, stride <paramref name="ldh"/>) = raw·W_hrᵀ.</summary>
    public abstract void ProjectHidden(LayerWeights layer, int batch, float* raw, nint ldRaw, float* h, nint ldh, PanelRange panels);

    /// <summary>One row of a GRU step over chunks [<paramref name="chunkStart"/>, <paramref name="chunkEnd"/>).</summary>
    public abstract void Gru(float* xp, float* hg, float* hPrev, float* hNext, int chunkStart, int chunkEnd);

    /// <summary>One row of an LSTM step (c in place; h before projection) over chunks [<paramref name="chunkStart"/>, <paramref name="chunkEnd"/>).</summary>
    public abstract void Lstm(float* xp, float* hg, float* cell, float* hNext, int chunkStart, int chunkEnd);

    /// <summary>
    /// Runs every kernel variant a session of <paramref name="cell"/> can reach
    /// (<see cref="KernelWarmUp{TVec}"/>): steps of up to <paramref name="stepRows"/> rows,
    /// projections of up to <paramref name="productRows"/>.
    /// </summary>
    public abstract void WarmUp(RecurrentCell cell, int stepRows, int productRows);

    public abstract KernelInfo Kernels { get; }

    public static RecurrentEngine Create(SimdPath path, Nonlinearity nonlinearity) => path switch
    {
        SimdPath.Vector512 => Create<Vec512>(path, nonlinearity),
        SimdPath.Vector256 => Create<Vec256>(path, nonlinearity),
        SimdPath.Vector128 => Create<Vec128>(path, nonlinearity),
        _ => Create<VecScalar>(path, nonlinearity),
    };

    private static RecurrentEngine Create<TVec>(SimdPath path, Nonlinearity nonlinearity)
        where TVec : struct, IVec<TVec>
        => nonlinearity == Nonlinearity.Relu
            ? new RecurrentEngine<TVec, ReluActivation>(path)
            : new RecurrentEngine<TVec, TanhActivation>(path);
}

internal sealed unsafe class RecurrentEngine<TVec, TAct>(SimdPath path) : RecurrentEngine
    where TVec : struct, IVec<TVec>
    where TAct : struct, IActivation
{
    public override KernelInfo Kernels { get; } = KernelRegistry.Describe<TVec>(path);

    public override void WarmUp(RecurrentCell cell, int stepRows, int productRows)
    {
        KernelWarmUp<TVec>.Gemm<IdentityActivation>(path, productRows);
        if (cell == RecurrentCell.Rnn)
            KernelWarmUp<TVec>.Gemm<TAct>(path, stepRows);
        else
            KernelWarmUp<TVec>.Gates();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Project(LayerWeights layer, int rows, float* x, nint ldx, float* xp, PanelRange panels)
    {
        PackedMatrix w = layer.Input;
        PackedGemm<TVec, IdentityActivation>.Run(rows, w, x, ldx, layer.InputBias, null, 0, xp, w.Columns, panels);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void ProjectGroups(LayerWeights layer, int groups, int rows, float* x, nint ldx, nint xGroupStride, float* xp, nint xpGroupStride,
        PanelRange panels)
    {
        PackedMatrix w = layer.Input;
        PackedGemm<TVec, IdentityActivation>.RunGroups(groups, rows, w, x, ldx, xGroupStride, layer.InputBias, xp, w.Columns, xpGroupStride, panels);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void RecurRnn(LayerWeights layer, int batch, float* hPrev, nint ldh, float* xp, nint ldxp, float* hNext, PanelRange panels, bool descending)
        => PackedGemm<TVec, TAct>.Run(batch, layer.Recurrent, hPrev, ldh, null, xp, ldxp, hNext, ldh, panels, descending);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Recur(LayerWeights layer, int batch, float* hPrev, nint ldh, float* hg, PanelRange panels, bool descending)
    {
        PackedMatrix w = layer.Recurrent;
        PackedGemm<TVec, IdentityActivation>.Run(batch, w, hPrev, ldh, layer.RecurrentBias, null, 0, hg, w.Columns, panels, descending);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void ProjectHidden(LayerWeights layer, int batch, float* raw, nint ldRaw, float* h, nint ldh, PanelRange panels)
        => PackedGemm<TVec, IdentityActivation>.Run(batch, layer.Projection!, raw, ldRaw, null, null, 0, h, ldh, panels);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Gru(float* xp, float* hg, float* hPrev, float* hNext, int chunkStart, int chunkEnd)
        => GateKernels<TVec>.Gru(xp, hg, hPrev, hNext, chunkStart, chunkEnd);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Lstm(float* xp, float* hg, float* cell, float* hNext, int chunkStart, int chunkEnd)
        => GateKernels<TVec>.Lstm(xp, hg, cell, hNext, chunkStart, chunkEnd);
}
