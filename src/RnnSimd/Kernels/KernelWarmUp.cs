using RnnSimd.Kernels.Activations;
using RnnSimd.Kernels.Vectors;

namespace RnnSimd.Kernels;

/// <summary>
/// Runs every variant of the kernels a session can reach once, on a tiny matrix, so that the JIT
/// compiles them when the session is created rather than inside a caller's first calls.
/// </summary>
/// <remarks>
/// <para>The kernels are compiled fully optimized at their first call (see
/// <see cref="PackedGemm{TVec, TAct}"/>'s remarks), which takes about 40 ms of JIT on a Zen 5 core:
/// without this, a streaming user's first step, and the first call at each new batch size (whose
/// row remainder selects other tiles), would wait for it. Each tile height is its own generic
/// instantiation and each row count a combination of tiles, so every row count a session can
/// reach up to <see cref="MaxRows"/> (every combination appears by 18) is run, in both panel orders, over full and partial
/// panels, and over one to four panels (the batch-1 tiles). Only reachable row counts: compiling
/// all variants of every activation takes about 150 ms, a batch-1 session's about 50.</para>
/// <para>What an earlier session of the process compiled is not compiled again, and running the
/// variants costs microseconds: the products are 1 deep (K = 1) and at most <see cref="MaxRows"/>
/// rows.</para>
/// </remarks>
internal static unsafe class KernelWarmUp<TVec> where TVec : struct, IVec<TVec>
{
    /// <summary>Rows that reach every combination of tiles on every width.</summary>
    public const int MaxRows = 20;

    /// <summary>Panels: a group of four for the batch-1 tile, then three more for its remainders.</summary>
    private const int Panels = 7;

    /// <summary>C = act(A·B + addend + bias) at every tile shape of products of up to <paramref name="rows"/> rows.</summary>
    public static void Gemm<TAct>(SimdPath path, int rows) where TAct : struct, IActivation
    {
        rows = Math.Clamp(rows, 1, MaxRows);
        int nr = PackedMatrix.VectorsPerPanel * TVec.Count;
        // The last panel one column short: the partial-vector epilogue is compiled too.
        int n = Panels * nr - 1;
        using var b = PackedMatrix.FromRowMajor(new float[n], 1, n, path);
        var a = new float[MaxRows];
        var bias = new float[n];
        var c = new float[MaxRows * n];
        fixed (float* pa = a, pBias = bias, pc = c)
        {
            for (int m = 1; m <= rows; m++)
            {
                foreach (bool descending in (ReadOnlySpan<bool>)[false, true])
                {
                    PackedGemm<TVec, TAct>.Run(m, b, pa, 1, pBias, pc, n, pc, n, new PanelRange(0, Panels), descending);
                    // One thread's rows of several steps (a batch split by rows), from two rows.
                    if (m >= 2 && !descending)
                        PackedGemm<TVec, TAct>.RunGroups(2, m / 2, b, pa, 1, 1, pBias, pc, n, (m / 2) * (nint)n, new PanelRange(0, Panels));
                    // Batch-1 remainders of one, two and three panels.
                    if (m == 1)
                    {
                        for (int panels = 1; panels <= 3; panels++)
                            PackedGemm<TVec, TAct>.Run(1, b, pa, 1, null, null, 0, pc, n, new PanelRange(0, panels), descending);
                    }
                }
            }
        }
    }

    /// <summary>The GRU and LSTM cell updates, over one chunk.</summary>
    public static void Gates()
    {
        int chunk = PackedMatrix.VectorsPerPanel * TVec.Count;
        var xp = new float[4 * chunk];
        var hg = new float[4 * chunk];
        var state = new float[chunk];
        var next = new float[chunk];
        fixed (float* pxp = xp, phg = hg, pState = state, pNext = next)
        {
            GateKernels<TVec>.Gru(pxp, phg, pState, pNext, 0, 1);
            GateKernels<TVec>.Lstm(pxp, phg, pState, pNext, 0, 1);
        }
    }
}
