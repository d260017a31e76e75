using RnnSimd.Kernels.Activations;
using RnnSimd.Kernels.Vectors;

namespace RnnSimd.Kernels;

/// <summary>
/// The validated edge of <see cref="PackedGemm{TVec, TAct}"/>: checks every size and overlap once,
/// then dispatches on the packed matrix's path and the activation.
/// </summary>
internal static unsafe class Gemm
{
    /// <summary>C = act(A·B + addend + bias); see <see cref="PackedGemm{TVec, TAct}"/>.</summary>
    /// <param name="addend">Empty for none; may be C itself (same start and row stride).</param>
    /// <param name="bias">Empty for none; else at least N floats.</param>
    /// <param name="descending">The order a recurrence alternates to (see <see cref="PackedGemm{TVec, TAct}"/>'s Run).</param>
    public static void Multiply(
        int m, PackedMatrix b, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> addend, int ldAdd,
        Span<float> c, int ldc, ActivationKind activation, bool descending = false)
    {
        ArgumentNullException.ThrowIfNull(b);
        ObjectDisposedException.ThrowIf(b.IsDisposed, b);
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        int k = b.Rows, n = b.Columns;
        Check.Matrix(a, m, k, lda, nameof(a), nameof(lda));
        Check.Matrix(c, m, n, ldc, nameof(c), nameof(ldc));
        if (!bias.IsEmpty && bias.Length < n)
            throw new ArgumentException($"bias has {bias.Length} elements; N = {n} needs {n}.", nameof(bias));
        if (!addend.IsEmpty)
            Check.Matrix(addend, m, n, ldAdd, nameof(addend), nameof(ldAdd));
        Check.NoOverlap(a, c, nameof(a), nameof(c));
        Check.NoOverlap(bias, c, nameof(bias), nameof(c));
        if (addend.Overlaps(c) && !(addend.Overlaps(c, out int offset) && offset == 0 && ldAdd == ldc))
            throw new ArgumentException("addend overlaps c; it may only be c itself (same start and row stride).", nameof(addend));
        if (m == 0)
            return;

        fixed (float* pa = a, pb = bias, pAdd = addend, pc = c)
            Run(b.Path, activation, m, b, pa, lda, bias.IsEmpty ? null : pb, addend.IsEmpty ? null : pAdd, addend.IsEmpty ? 0 : ldAdd, pc, ldc,
                new PanelRange(0, b.PanelCount), descending);
        // The kernel holds only b's raw pointer: keep b (and its finalizer) away until it is done.
        GC.KeepAlive(b);
    }

    /// <summary>Unchecked dispatch for callers that validated at their own edge.</summary>
    internal static void Run(SimdPath path, ActivationKind activation, int m, PackedMatrix b, float* a, nint lda, float* bias, float* addend, nint ldAdd, float* c, nint ldc)
        => Run(path, activation, m, b, a, lda, bias, addend, ldAdd, c, ldc, new PanelRange(0, b.PanelCount), descending: false);

    /// <summary>The same over the panels of <paramref name="panels"/>, in either order (for tests of the kernel's contract).</summary>
    internal static void Run(SimdPath path, ActivationKind activation, int m, PackedMatrix b, float* a, nint lda, float* bias, float* addend, nint ldAdd, float* c, nint ldc,
        PanelRange panels, bool descending)
    {
        switch (path)
        {
            case SimdPath.Vector512: Run<Vec512>(activation, m, b, a, lda, bias, addend, ldAdd, c, ldc, panels, descending); break;
            case SimdPath.Vector256: Run<Vec256>(activation, m, b, a, lda, bias, addend, ldAdd, c, ldc, panels, descending); break;
            case SimdPath.Vector128: Run<Vec128>(activation, m, b, a, lda, bias, addend, ldAdd, c, ldc, panels, descending); break;
            default: Run<VecScalar>(activation, m, b, a, lda, bias, addend, ldAdd, c, ldc, panels, descending); break;
        }
    }

    private static void Run<TVec>(ActivationKind activation, int m, PackedMatrix b, float* a, nint lda, float* bias, float* addend, nint ldAdd, float* c, nint ldc,
        PanelRange panels, bool descending)
        where TVec : struct, IVec<TVec>
    {
        switch (activation)
        {
            case ActivationKind.Tanh: PackedGemm<TVec, TanhActivation>.Run(m, b, a, lda, bias, addend, ldAdd, c, ldc, panels, descending); break;
            case ActivationKind.Relu: PackedGemm<TVec, ReluActivation>.Run(m, b, a, lda, bias, addend, ldAdd, c, ldc, panels, descending); break;
            case ActivationKind.Sigmoid: PackedGemm<TVec, SigmoidActivation>.Run(m, b, a, lda, bias, addend, ldAdd, c, ldc, panels, descending); break;
            default: PackedGemm<TVec, IdentityActivation>.Run(m, b, a, lda, bias, addend, ldAdd, c, ldc, panels, descending); break;
        }
    }
}
