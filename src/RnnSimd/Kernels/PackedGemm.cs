using System.Runtime.CompilerServices;
using RnnSimd.Kernels.Activations;
using RnnSimd.Kernels.Vectors;

namespace RnnSimd.Kernels;

/// <summary>
/// C = act(A·B + addend + bias) with B packed (<see cref="PackedMatrix"/>): the one product both
/// the hoisted input projection (M = T·B rows) and each recurrent step (M = batch rows, the
/// addend being that step's projected input) run through.
/// </summary>
/// <remarks>
/// <para>Order of operations, identical in every tile so that a result does not depend on which
/// tile computed it: each element starts from 0, takes the products k = 0, 1, …, K−1 in order by
/// multiply-add, then adds the addend, then the bias, then applies the activation. So a row's
/// result does not depend on M either (Forward over T steps and T single Steps agree bit for bit),
/// except in a descending single-row product, which takes k = K−1 … 0 (see <c>descending</c>).</para>
/// <para>Tiles: 6 rows × 1 panel (12 accumulators, within 16 registers), and 8 rows × 1 panel on the
/// 512-bit path (32 registers); for M = 1, 1 row × 4 panels (8 independent chains, enough to hide
/// the multiply-add latency of a matrix–vector product) and one tile of the 1–3 panels left; the
/// row remainder by the same tile specialised for fewer rows.</para>
/// <para>Tail policy: B is zero-padded, so inner loops have no tail. In the last panel, a partial
/// vector goes through a stack copy: addend and bias lanes past N are neither read nor written,
/// and C past N is never touched.</para>
/// <para>Pointers are trusted here: the validated entry point is <see cref="Gemm"/>.</para>
/// <para>Every method is either inlined into its caller or compiled fully optimized at its first
/// call (AggressiveOptimization), as are the loops of the gate kernels and the runners that call
/// them. With .NET's tiered compilation a kernel would start as unoptimized tier-0 code, where no
/// vector helper is inlined, and be recompiled only after enough calls and a quiet moment: on a
/// Zen 5 core a GRU S3 forward's first calls took 102, 75, 75, 60, 19 and 14 ms before settling at
/// about 1 ms; BenchmarkDotNet, whose pilot then settles on 4 calls per iteration, timed 1.5–2.0 ms
/// in 8 of 15 processes and 0.8–1.0 ms in the others. Optimized at first call: the first forward
/// took 42 ms (the compilation itself), the second 1 ms, and BenchmarkDotNet 0.76–0.84 ms in 5 of
/// 5 processes. That first call is now made when a session is created (<see cref="KernelWarmUp{TVec}"/>).</para>
/// </remarks>
internal static unsafe class PackedGemm<TVec, TAct>
    where TVec : struct, IVec<TVec>
    where TAct : struct, IActivation
{
    private const int TileRows = 6;

    /// <summary>
    /// Rows of the tall tile of the 512-bit path, whose 32 registers hold its 16 accumulators, two
    /// panel vectors and a broadcast. Each panel load then serves eight rows instead of six and
    /// batch 32 needs no short tiles: LSTM S4 (one thread, variants interleaved in one process)
    /// 29.4–29.6 → 28.0–28.2 ms; the batch-32 recurrent product 191 → 197 GFLOP/s.
    /// </summary>
    private const int TallRows = 8;

    /// <summary>The widest vector's lanes: sizes the stack tile every width shares.</summary>
    private const int MaxLanes = 16;

    /// <param name="m">Rows of A and C.</param>
    /// <param name="b">The packed right-hand side (K×N).</param>
    /// <param name="a">A, row-major, <paramref name="lda"/> floats between rows, K used per row.</param>
    /// <param name="bias">N floats added to every row, or null.</param>
    /// <param name="addend">An M×N matrix added before the bias (may be C itself), or null.</param>
    /// <param name="ldAdd">Floats between addend rows (0 when there is no addend).</param>
    /// <param name="c">C, row-major, <paramref name="ldc"/> floats between rows, N written per row.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int m, PackedMatrix b, float* a, nint lda, float* bias, float* addend, nint ldAdd, float* c, nint ldc)
        => Run(m, b, a, lda, bias, addend, ldAdd, c, ldc, new PanelRange(0, b.PanelCount));

    /// <summary>
    /// The same product restricted to the columns of <paramref name="panels"/>: how threads split a
    /// step. Every element is computed exactly as in the whole product, so the split changes no bit.
    /// </summary>
    /// <param name="descending">
    /// Visit the panels last to first. A recurrence alternates the direction every step: when W_hh
    /// is about as large as the cache it is streamed from, a scan in one direction evicts each line
    /// just before it is needed again (LRU), while the reversed scan starts with the lines the last
    /// one left in the cache. With several rows only the order of independent tiles changes, so no
    /// bit does. A single row (a batch-1 step) also takes its products from k = K−1 down to 0: with
    /// one group of panels (S2's W_hh, 64 KiB, a little more than L1) the panel order alone changes
    /// nothing, and a scan that always runs k upwards reuses no line. Measured on a Zen 5 core,
    /// k upwards and alternating interleaved in one process: S2 forward 1.10× faster, S3 1.06×,
    /// LSTM/GRU S3 1.03×. Batched steps gained nothing, so they keep k ascending and their bits.
    /// </param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int m, PackedMatrix b, float* a, nint lda, float* bias, float* addend, nint ldAdd, float* c, nint ldc, PanelRange panels,
        bool descending = false)
    {
        int k = b.Rows;
        int n = b.Columns;
        int nr = b.PanelWidth;
        nint stride = (nint)b.PanelStride;
        float* data = b.Data;
        // Where tiles park their accumulators for the epilogue. Allocated here, not in the tiles:
        // a stackalloc inside a tile makes the JIT store every accumulator on each iteration.
        float* tile = stackalloc float[TallRows * 2 * MaxLanes];
        if (m == 1)
        {
            if (descending)
                Row<Backward>(tile, k, a, data, stride, nr, n, panels, bias, addend, c);
            else
                Row<Forward>(tile, k, a, data, stride, nr, n, panels, bias, addend, c);
            return;
        }
        if (descending)
        {
            for (int p = panels.End - 1; p >= panels.Start; p--)
                Panel(tile, m, k, a, lda, data, stride, nr, n, p, bias, addend, ldAdd, c, ldc);
        }
        else
        {
            for (int p = panels.Start; p < panels.End; p++)
                Panel(tile, m, k, a, lda, data, stride, nr, n, p, bias, addend, ldAdd, c, ldc);
        }
    }

    /// <summary>
    /// The same product over <paramref name="groups"/> groups of <paramref name="m"/> consecutive
    /// rows, group g's rows of A starting at a + g·<paramref name="aGroupStride"/> and of C at
    /// c + g·<paramref name="cGroupStride"/>: one thread's rows of several time steps of a batch,
    /// each panel loaded once for all of them. No addend. Every row goes through the multi-row
    /// tiles, k ascending, as in a product of several rows by <see cref="Run(int, PackedMatrix, float*, nint, float*, float*, nint, float*, nint)"/>
    /// (with one row, the same bits as its ascending matrix–vector tile).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunGroups(int groups, int m, PackedMatrix b, float* a, nint lda, nint aGroupStride, float* bias,
        float* c, nint ldc, nint cGroupStride, PanelRange panels)
    {
        int k = b.Rows;
        int n = b.Columns;
        int nr = b.PanelWidth;
        nint stride = (nint)b.PanelStride;
        float* data = b.Data;
        float* tile = stackalloc float[TallRows * 2 * MaxLanes];
        for (int p = panels.Start; p < panels.End; p++)
        {
            for (int g = 0; g < groups; g++)
                Panel(tile, m, k, a + g * aGroupStride, lda, data, stride, nr, n, p, bias, null, 0, c + g * cGroupStride, ldc);
        }
    }

    /// <summary>
    /// A single row (a batch-1 step): groups of four panels for the matrix–vector tile, then one
    /// tile of the one to three panels left, last to first when <typeparamref name="TOrder"/> is
    /// <see cref="Backward"/>. Each panel alone would be two multiply-add chains, too few to hide
    /// their latency: one tile instead of single panels, measured on a Zen 5 core, runs a 256×96
    /// matrix–vector product (3 panels) 1.84× faster, 200×200 1.26×.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row<TOrder>(float* tile, int k, float* a, float* data, nint stride, int nr, int n, PanelRange panels,
        float* bias, float* addend, float* c)
        where TOrder : struct, IKOrder
    {
        int j = panels.Start;
        int groups = (panels.End - j) / 4;
        int restStart = j + 4 * groups;
        if (TOrder.Reverse)
        {
            Rest<TOrder>(tile, k, a, data, stride, nr, n, restStart, panels.End - restStart, bias, addend, c);
            for (int g = groups - 1; g >= 0; g--)
                RowPanels<Rows4, TOrder>(tile, k, a, data, stride, nr, n, j + 4 * g, bias, addend, c);
        }
        else
        {
            for (int g = 0; g < groups; g++)
                RowPanels<Rows4, TOrder>(tile, k, a, data, stride, nr, n, j + 4 * g, bias, addend, c);
            Rest<TOrder>(tile, k, a, data, stride, nr, n, restStart, panels.End - restStart, bias, addend, c);
        }
    }

    /// <summary>The last one to three panels of a single row, in one matrix–vector tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rest<TOrder>(float* tile, int k, float* a, float* data, nint stride, int nr, int n, int j, int panels,
        float* bias, float* addend, float* c)
        where TOrder : struct, IKOrder
    {
        switch (panels)
        {
            case 1: RowPanels<Rows1, TOrder>(tile, k, a, data, stride, nr, n, j, bias, addend, c); break;
            case 2: RowPanels<Rows2, TOrder>(tile, k, a, data, stride, nr, n, j, bias, addend, c); break;
            case 3: RowPanels<Rows3, TOrder>(tile, k, a, data, stride, nr, n, j, bias, addend, c); break;
        }
    }

    /// <summary>Panels j, j+1, … (<typeparamref name="TP"/> of them) for a single row: the matrix–vector tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowPanels<TP, TOrder>(float* tile, int k, float* a, float* data, nint stride, int nr, int n, int j, float* bias, float* addend, float* c)
        where TP : struct, IRowCount
        where TOrder : struct, IKOrder
    {
        int col = j * nr;
        TileRow<TP, TOrder>(tile, k, a, data + j * stride, stride, Offset(bias, col), Offset(addend, col), c + col, n - col);
    }

    /// <summary>Every row of A times panel j: eight-row tiles (512-bit) or six-row tiles, then the remainder.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Panel(float* tile, int m, int k, float* a, nint lda, float* data, nint stride, int nr, int n, int j,
        float* bias, float* addend, nint ldAdd, float* c, nint ldc)
    {
        int col = j * nr;
        int cols = Math.Min(nr, n - col);
        float* bp = data + j * stride;
        float* biasJ = Offset(bias, col);
        float* addJ = Offset(addend, col);
        // Eight-row tiles on the 512-bit path, then six-row tiles, except that a remainder of one or
        // two rows is evened out into shorter tiles (256-bit, m = 32: 6·4 + 4 + 4, not 6·5 + 2;
        // 512-bit, m = 17: 8 + 6 + 3): a one- or two-row tile has too few independent accumulators
        // to hide the multiply-add latency.
        int i = 0;
        if (TVec.Count == 16)
        {
            int eights = m / TallRows;
            if (m % TallRows is 1 or 2 && eights > 0)
                eights--;
            for (int tiles = 0; tiles < eights; tiles++, i += TallRows)
                Tile<Rows8>(tile, k, a + i * lda, lda, bp, biasJ, Offset(addJ, i * ldAdd), ldAdd, c + i * ldc + col, ldc, cols);
        }
        int sixes = (m - i) / TileRows;
        if ((m - i) % TileRows is 1 or 2 && sixes > 0)
            sixes--;
        for (int tiles = 0; tiles < sixes; tiles++, i += TileRows)
            Tile<Rows6>(tile, k, a + i * lda, lda, bp, biasJ, Offset(addJ, i * ldAdd), ldAdd, c + i * ldc + col, ldc, cols);
        if (m - i > TileRows)
        {
            Tile<Rows4>(tile, k, a + i * lda, lda, bp, biasJ, Offset(addJ, i * ldAdd), ldAdd, c + i * ldc + col, ldc, cols);
            i += 4;
        }
        switch (m - i)
        {
            case 1: Tile<Rows1>(tile, k, a + i * lda, lda, bp, biasJ, Offset(addJ, i * ldAdd), ldAdd, c + i * ldc + col, ldc, cols); break;
            case 2: Tile<Rows2>(tile, k, a + i * lda, lda, bp, biasJ, Offset(addJ, i * ldAdd), ldAdd, c + i * ldc + col, ldc, cols); break;
            case 3: Tile<Rows3>(tile, k, a + i * lda, lda, bp, biasJ, Offset(addJ, i * ldAdd), ldAdd, c + i * ldc + col, ldc, cols); break;
            case 4: Tile<Rows4>(tile, k, a + i * lda, lda, bp, biasJ, Offset(addJ, i * ldAdd), ldAdd, c + i * ldc + col, ldc, cols); break;
            case 5: Tile<Rows5>(tile, k, a + i * lda, lda, bp, biasJ, Offset(addJ, i * ldAdd), ldAdd, c + i * ldc + col, ldc, cols); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float* Offset(float* p, nint by) => p == null ? null : p + by;

    /// <summary>Up to eight rows of A times one panel; <paramref name="cols"/> of its columns are real.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<TR>(float* tile, int k, float* a, nint lda, float* bp, float* bias, float* addend, nint ldAdd, float* c, nint ldc, int cols)
        where TR : struct, IRowCount
    {
        int w = TVec.Count;
        TVec c00 = TVec.Zero, c01 = TVec.Zero, c10 = TVec.Zero, c11 = TVec.Zero, c20 = TVec.Zero, c21 = TVec.Zero;
        TVec c30 = TVec.Zero, c31 = TVec.Zero, c40 = TVec.Zero, c41 = TVec.Zero, c50 = TVec.Zero, c51 = TVec.Zero;
        TVec c60 = TVec.Zero, c61 = TVec.Zero, c70 = TVec.Zero, c71 = TVec.Zero;
        // One pointer per four rows, advanced by one float per k, the rows at fixed offsets from it.
        // With a pointer per row (eight, live beside the tile's eleven arguments) the JIT ran out of
        // registers and reloaded three of them from the stack on every k.
        nint lda3 = 3 * lda;
        float* aEnd = a + k;
        float* a4 = a + 4 * lda;
        for (; a < aEnd; a++, a4++, bp += 2 * w)
        {
            TVec b0 = TVec.Load(in bp[0]);
            TVec b1 = TVec.Load(in bp[w]);
            TVec av = TVec.Broadcast(*a);
            TVec.MulAddTo(ref c00, av, b0);
            TVec.MulAddTo(ref c01, av, b1);
            if (TR.Value > 1)
            {
                av = TVec.Broadcast(a[lda]);
                TVec.MulAddTo(ref c10, av, b0);
                TVec.MulAddTo(ref c11, av, b1);
            }
            if (TR.Value > 2)
            {
                av = TVec.Broadcast(a[2 * lda]);
                TVec.MulAddTo(ref c20, av, b0);
                TVec.MulAddTo(ref c21, av, b1);
            }
            if (TR.Value > 3)
            {
                av = TVec.Broadcast(a[lda3]);
                TVec.MulAddTo(ref c30, av, b0);
                TVec.MulAddTo(ref c31, av, b1);
            }
            if (TR.Value > 4)
            {
                av = TVec.Broadcast(*a4);
                TVec.MulAddTo(ref c40, av, b0);
                TVec.MulAddTo(ref c41, av, b1);
            }
            if (TR.Value > 5)
            {
                av = TVec.Broadcast(a4[lda]);
                TVec.MulAddTo(ref c50, av, b0);
                TVec.MulAddTo(ref c51, av, b1);
            }
            if (TR.Value > 6)
            {
                av = TVec.Broadcast(a4[2 * lda]);
                TVec.MulAddTo(ref c60, av, b0);
                TVec.MulAddTo(ref c61, av, b1);
            }
            if (TR.Value > 7)
            {
                av = TVec.Broadcast(a4[lda3]);
                TVec.MulAddTo(ref c70, av, b0);
                TVec.MulAddTo(ref c71, av, b1);
            }
        }

        // Park the accumulators before the epilogue: the epilogue may call out (partial vectors),
        // and a vector live across a call would make the JIT spill it on every loop iteration.
        TVec.Store(c00, ref tile[0]);
        TVec.Store(c01, ref tile[w]);
        if (TR.Value > 1) { TVec.Store(c10, ref tile[2 * w]); TVec.Store(c11, ref tile[3 * w]); }
        if (TR.Value > 2) { TVec.Store(c20, ref tile[4 * w]); TVec.Store(c21, ref tile[5 * w]); }
        if (TR.Value > 3) { TVec.Store(c30, ref tile[6 * w]); TVec.Store(c31, ref tile[7 * w]); }
        if (TR.Value > 4) { TVec.Store(c40, ref tile[8 * w]); TVec.Store(c41, ref tile[9 * w]); }
        if (TR.Value > 5) { TVec.Store(c50, ref tile[10 * w]); TVec.Store(c51, ref tile[11 * w]); }
        if (TR.Value > 6) { TVec.Store(c60, ref tile[12 * w]); TVec.Store(c61, ref tile[13 * w]); }
        if (TR.Value > 7) { TVec.Store(c70, ref tile[14 * w]); TVec.Store(c71, ref tile[15 * w]); }
        for (int r = 0; r < TR.Value; r++)
            StorePair(tile + 2 * r * w, bias, Offset(addend, r * ldAdd), c + r * ldc, cols);
    }

    /// <summary>
    /// One row of A times <typeparamref name="TP"/> (1 to 4) consecutive panels: the matrix–vector
    /// shape of a batch-1 step. <paramref name="cols"/> counts the real columns from the first panel
    /// on (only the last panel can be partial, when it is the matrix's last).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TileRow<TP, TOrder>(float* tile, int k, float* a, float* bp, nint stride, float* bias, float* addend, float* c, int cols)
        where TP : struct, IRowCount
        where TOrder : struct, IKOrder
    {
        int w = TVec.Count;
        int nr = 2 * w;
        TVec c00 = TVec.Zero, c01 = TVec.Zero, c10 = TVec.Zero, c11 = TVec.Zero;
        TVec c20 = TVec.Zero, c21 = TVec.Zero, c30 = TVec.Zero, c31 = TVec.Zero;
        float* b0p = bp;
        float* b1p = bp + stride;
        float* b2p = bp + 2 * stride;
        float* b3p = bp + 3 * stride;
        for (int i = 0; i < k; i++)
        {
            int p = TOrder.Reverse ? k - 1 - i : i;
            TVec av = TVec.Broadcast(a[p]);
            nint o = (nint)p * nr;
            TVec.MulAddTo(ref c00, av, TVec.Load(in b0p[o]));
            TVec.MulAddTo(ref c01, av, TVec.Load(in b0p[o + w]));
            if (TP.Value > 1)
            {
                TVec.MulAddTo(ref c10, av, TVec.Load(in b1p[o]));
                TVec.MulAddTo(ref c11, av, TVec.Load(in b1p[o + w]));
            }
            if (TP.Value > 2)
            {
                TVec.MulAddTo(ref c20, av, TVec.Load(in b2p[o]));
                TVec.MulAddTo(ref c21, av, TVec.Load(in b2p[o + w]));
            }
            if (TP.Value > 3)
            {
                TVec.MulAddTo(ref c30, av, TVec.Load(in b3p[o]));
                TVec.MulAddTo(ref c31, av, TVec.Load(in b3p[o + w]));
            }
        }

        TVec.Store(c00, ref tile[0]);
        TVec.Store(c01, ref tile[w]);
        if (TP.Value > 1) { TVec.Store(c10, ref tile[2 * w]); TVec.Store(c11, ref tile[3 * w]); }
        if (TP.Value > 2) { TVec.Store(c20, ref tile[4 * w]); TVec.Store(c21, ref tile[5 * w]); }
        if (TP.Value > 3) { TVec.Store(c30, ref tile[6 * w]); TVec.Store(c31, ref tile[7 * w]); }
        for (int q = 0; q < TP.Value; q++)
            StorePair(tile + q * nr, Offset(bias, q * nr), Offset(addend, q * nr), c + q * nr, Math.Min(nr, cols - q * nr));
    }

    /// <summary>The epilogue of one row of one panel: two parked accumulator vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePair(float* acc, float* bias, float* addend, float* c, int cols)
    {
        int w = TVec.Count;
        StoreVector(TVec.Load(in acc[0]), bias, addend, c, cols);
        StoreVector(TVec.Load(in acc[w]), Offset(bias, w), Offset(addend, w), c + w, cols - w);
    }

    /// <summary>The epilogue of one accumulator vector: + addend, + bias, activation, store <paramref name="count"/> lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreVector(TVec acc, float* bias, float* addend, float* c, int count)
    {
        if (count >= TVec.Count)
        {
            if (addend != null) acc = TVec.Add(acc, TVec.Load(in *addend));
            if (bias != null) acc = TVec.Add(acc, TVec.Load(in *bias));
            TVec.Store(TAct.Invoke(acc), ref *c);
        }
        else if (count > 0)
        {
            StorePartial(acc, bias, addend, c, count);
        }
    }

    /// <summary>The same epilogue for a vector cut by the end of a row, through a stack copy.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void StorePartial(TVec acc, float* bias, float* addend, float* c, int count)
    {
        float* tmp = stackalloc float[64];
        float* biasTmp = tmp + 16;
        float* outTmp = tmp + 32;
        new Span<float>(tmp, 48).Clear();
        for (int l = 0; l < count; l++)
        {
            if (addend != null) tmp[l] = addend[l];
            if (bias != null) biasTmp[l] = bias[l];
        }
        if (addend != null) acc = TVec.Add(acc, TVec.Load(in *tmp));
        if (bias != null) acc = TVec.Add(acc, TVec.Load(in *biasTmp));
        TVec.Store(TAct.Invoke(acc), ref *outTmp);
        for (int l = 0; l < count; l++)
            c[l] = outTmp[l];
    }
}
