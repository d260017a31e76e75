namespace RnnSimd.Threading;

/// <summary>
/// When and how a threaded forward splits its batch by rows instead of each step's hidden units:
/// each thread runs the whole sequence, every layer and direction, for its own rows, and the
/// threads meet at most once per call instead of once per step (before an Elman network's head,
/// which is split by panels; after the first layer of a stacked GRU/LSTM/RNN fed batch-first, whose
/// projection block is laid out by row while the next layers' are by step).
/// </summary>
/// <remarks>
/// <para>The rows of a batch are independent sequences, so no step needs a barrier and no thread
/// reads the h that another core just wrote; split by hidden units, every step ends at a barrier
/// and each thread then reads the half of h_t the other core wrote. Each thread streams all of
/// W_hh per step instead of its share, which the products' tiles amortize over their rows.</para>
/// <para>From <see cref="DefaultMinRowsPerThread"/> rows per thread: one tall tile each on the
/// 512-bit path (two 4-row tiles on narrower ones); measured on Zen 5 only. Two cores, one process,
/// variants interleaved, 16 processes: Elman S4 (batch 32) split by rows was 4–7% faster in 11
/// (e.g. 3.37–3.67 ms against 3.62–3.81, 1.86–1.92× over one thread against 1.78–1.79×) and 3–7%
/// slower in 5, in a spell when the cores slowed each other (each streams all of W_hh from L3 per
/// step, while split by hidden units each keeps its half in L2); batch 16 1.80 against 1.89 ms; at
/// 4 rows per thread the hidden-unit split won (1.03 against 1.08 ms), at 2 clearly (0.59 against
/// 0.88); S5 (batch 64) alike either way. GRU and LSTM S4, whose steps
/// are three and four times longer and whose W_hh (3 and 4 MiB) streams from L3 either way: alike
/// (LSTM 14.2–14.4 ms by rows against 14.4–14.6, GRU 10.8–10.9 against 10.6–10.9).</para>
/// <para>Every row is computed as in a one-thread call (a row's result does not depend on the rows
/// beside it, see PackedGemm), so the bits are the same, provided each thread has at least two
/// rows: a single row takes the matrix–vector tile, whose descending steps reverse k.</para>
/// <para>Shares are rebalanced while a forward runs (<see cref="RowHandoff"/>; GRU, LSTM and RNN
/// forwards in their last pass): halves handed over keep at least the minimum too.</para>
/// </remarks>
internal static class BatchSplit
{
    /// <summary>Rows per thread from which a forward splits the batch.</summary>
    public const int DefaultMinRowsPerThread = 8;

    /// <summary>A minimum a test may set: at least 2 (see the remarks).</summary>
    public static int Checked(int minRowsPerThread)
    {
        Check.InRange(minRowsPerThread, 2, int.MaxValue, "value");
        return minRowsPerThread;
    }

    /// <summary>Whether a forward of <paramref name="batch"/> rows on <paramref name="threads"/> threads splits them.</summary>
    public static bool Splits(int batch, int threads, int minRowsPerThread)
        => threads > 1 && batch >= (long)minRowsPerThread * threads;

    /// <summary>
    /// Thread <paramref name="index"/>'s rows, [First, First + Rows): near-equal shares, the larger
    /// ones first, so that the caller (share 0) is not the one left waiting (as <see cref="Kernels.PanelRange.Share"/>).
    /// </summary>
    public static (int First, int Rows) Share(int batch, int index, int threads)
    {
        var range = Kernels.PanelRange.Share(batch, index, threads);
        return (range.Start, range.End - range.Start);
    }
}
