using System.Runtime.CompilerServices;
using RnnSimd.Kernels.Activations;
using RnnSimd.Kernels.Vectors;

namespace RnnSimd.Kernels;

/// <summary>
/// The element-wise half of a GRU or LSTM step, for one batch row and a range of chunks: the gate
/// activations and the state update, reading the two gate pre-activations the products left (the
/// projected input and the recurrent product) while they are still in L1.
/// </summary>
/// <remarks>
/// <para>Gate layout (<see cref="GateLayout"/>): hidden units come in chunks of one panel width
/// (two vectors), and each chunk's gates sit side by side, so one chunk's cell update reads one
/// contiguous block and a thread that owns a range of panels owns whole hidden units.</para>
/// <para>Padded units past H compute harmless values that nothing reads. No tails: every row of
/// every buffer these kernels touch is a whole number of chunks long.</para>
/// <para>The LSTM update runs in two passes over the row's chunks: the gate activations first (stored
/// back over their pre-activations, still in L1), then the state update. In one pass, a vector's
/// work is one long dependency chain (a sigmoid, then the update, then another tanh), and the
/// out-of-order window holds only about two such chains: the core waits on latency. Split, each
/// pass's chains are half as long and the window holds more of them. Same operations on the same
/// values, so the same bits. LSTM cells on a Zen 5 core, 16 units at a time: 32–33 ns in one pass,
/// 25–28 ns in two.</para>
/// <para>Pointers are trusted: sessions validate at their public edge.</para>
/// </remarks>
internal static unsafe class GateKernels<TVec> where TVec : struct, IVec<TVec>
{
    /// <summary>
    /// GRU: r = σ(x_r + h_r), z = σ(x_z + h_z), n = tanh(x_n + r·h_n), h' = n + z·(h − n)
    /// (= (1 − z)·n + z·h); <paramref name="hg"/>'s n gate already holds h·W_hnᵀ + b_hn.
    /// </summary>
    /// <remarks>
    /// One pass, unlike the LSTM. Split in two like it, the GRU at batch 1 (S3) once took 1.7–1.9 ms
    /// instead of 0.98 ms in BenchmarkDotNet processes, though a stopwatch process timed both alike:
    /// most likely BenchmarkDotNet timing tier-0 code, before the kernels were compiled optimized at
    /// first call (see PackedGemm's remarks); the split was not tried again since.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gru(float* xp, float* hg, float* hPrev, float* hNext, int chunkStart, int chunkEnd)
    {
        int w = TVec.Count;
        int chunk = PackedMatrix.VectorsPerPanel * w;
        for (int c = chunkStart; c < chunkEnd; c++)
        {
            nint gate = (nint)c * 3 * chunk;
            nint unit = (nint)c * chunk;
            for (int v = 0; v < chunk; v += w)
            {
                nint r = gate + v, z = r + chunk, n = z + chunk;
                TVec rv = SigmoidActivation.Invoke(TVec.Add(TVec.Load(in xp[r]), TVec.Load(in hg[r])));
                TVec zv = SigmoidActivation.Invoke(TVec.Add(TVec.Load(in xp[z]), TVec.Load(in hg[z])));
                TVec nv = TanhActivation.Invoke(TVec.MulAdd(rv, TVec.Load(in hg[n]), TVec.Load(in xp[n])));
                TVec h = TVec.Load(in hPrev[unit + v]);
                TVec.Store(TVec.MulAdd(zv, TVec.Subtract(h, nv), nv), ref hNext[unit + v]);
            }
        }
    }

    /// <summary>
    /// LSTM: i, f, o = σ(x + h), g = tanh(x + h) per gate; c' = f·c + i·g (in place);
    /// h' = o·tanh(c') into <paramref name="hNext"/> (before any projection). The activated gates
    /// are left in <paramref name="hg"/> in place of their pre-activations.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Lstm(float* xp, float* hg, float* cell, float* hNext, int chunkStart, int chunkEnd)
    {
        int w = TVec.Count;
        int chunk = PackedMatrix.VectorsPerPanel * w;
        // Two passes (see the class remarks): the four gates first, then the state update.
        for (int c = chunkStart; c < chunkEnd; c++)
        {
            nint gate = (nint)c * 4 * chunk;
            for (int v = 0; v < chunk; v += w)
            {
                nint i = gate + v, f = i + chunk, g = f + chunk, o = g + chunk;
                TVec.Store(SigmoidActivation.Invoke(TVec.Add(TVec.Load(in xp[i]), TVec.Load(in hg[i]))), ref hg[i]);
                TVec.Store(SigmoidActivation.Invoke(TVec.Add(TVec.Load(in xp[f]), TVec.Load(in hg[f]))), ref hg[f]);
                TVec.Store(TanhActivation.Invoke(TVec.Add(TVec.Load(in xp[g]), TVec.Load(in hg[g]))), ref hg[g]);
                TVec.Store(SigmoidActivation.Invoke(TVec.Add(TVec.Load(in xp[o]), TVec.Load(in hg[o]))), ref hg[o]);
            }
        }
        for (int c = chunkStart; c < chunkEnd; c++)
        {
            nint gate = (nint)c * 4 * chunk;
            nint unit = (nint)c * chunk;
            for (int v = 0; v < chunk; v += w)
            {
                nint i = gate + v, f = i + chunk, g = f + chunk, o = g + chunk;
                TVec cv = TVec.MulAdd(TVec.Load(in hg[f]), TVec.Load(in cell[unit + v]), TVec.Multiply(TVec.Load(in hg[i]), TVec.Load(in hg[g])));
                TVec.Store(cv, ref cell[unit + v]);
                TVec.Store(TVec.Multiply(TVec.Load(in hg[o]), TanhActivation.Invoke(cv)), ref hNext[unit + v]);
            }
        }
    }
}

/// <summary>
/// Where gate g of hidden unit u sits in the columns of the gate products: units in chunks of one
/// panel width, each chunk holding its G gates side by side (see <see cref="GateKernels{TVec}"/>).
/// With one gate (RNN) this is the plain order, padded to whole chunks.
/// </summary>
internal readonly record struct GateLayout(int Gates, int HiddenSize, int ChunkWidth)
{
    /// <summary>Chunks: H rounded up to whole panels.</summary>
    public int Chunks => (HiddenSize + ChunkWidth - 1) / ChunkWidth;

    /// <summary>H padded to whole chunks: the row stride of unit buffers (h, c).</summary>
    public int PaddedUnits => Chunks * ChunkWidth;

    /// <summary>G·padded H: the columns (and row stride) of the gate products.</summary>
    public int Columns => Gates * PaddedUnits;

    public int Column(int gate, int unit)
        => (unit / ChunkWidth) * Gates * ChunkWidth + gate * ChunkWidth + unit % ChunkWidth;
}
