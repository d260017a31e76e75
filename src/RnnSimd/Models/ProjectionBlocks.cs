namespace RnnSimd.Models;

/// <summary>
/// How a forward hoists its input projection: in blocks of whole steps, about
/// <see cref="DefaultRows"/> rows (steps × batch) each, each block projected just before its steps
/// read it.
/// </summary>
/// <remarks>
/// <para>Projecting the whole sequence at once writes T·B·G·H floats and reads them back a step at a
/// time, long after they left the cache: at LSTM S4 (13 MiB of gates) they come back from memory.
/// A block of about 128 rows is still in L2 or L3 when its steps read it, and each W_ih panel,
/// loaded once per block, still serves many tiles. At batch 1 a block is the whole of a sequence of
/// up to 128 steps, as before. Measured on a Zen 5 core, one thread, one process: GRU S4 28.0 →
/// 21.0 ms, LSTM S4 28.2–28.5 → 27.8–28.0 ms.</para>
/// <para>Every projected row is computed exactly as in one whole-sequence product (the GEMM's
/// order of operations does not depend on M), so the blocking changes no bit.</para>
/// </remarks>
internal static class ProjectionBlocks
{
    /// <summary>The rows a block aims at; at least one whole step.</summary>
    public const int DefaultRows = 128;

    /// <summary>A block size a test may set: 1 to <see cref="DefaultRows"/> (which sized the buffers).</summary>
    public static int Checked(int rows)
    {
        Check.InRange(rows, 1, DefaultRows, "value");
        return rows;
    }

    /// <summary>Steps per block for this batch: at least one, at most <paramref name="steps"/>.</summary>
    public static int Steps(int rows, int batch, int steps) => Math.Min(steps, Math.Max(1, (rows + batch - 1) / batch));

    /// <summary>The most rows a block of whole steps can hold: what a block buffer is sized for.</summary>
    public static long MaxRows(int maxSequenceLength, int maxBatch)
        => Math.Min((long)maxSequenceLength * maxBatch, DefaultRows + maxBatch - 1L);
}
