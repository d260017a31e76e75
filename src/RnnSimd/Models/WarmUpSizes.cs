namespace RnnSimd.Models;

/// <summary>
/// The sizes of a session's warm-up calls (see the runners' WarmUp): as small as possible while
/// taking the same code paths as the largest calls, so that warming a session of any legal size
/// neither overflows nor allocates much.
/// </summary>
internal static class WarmUpSizes
{
    /// <summary>
    /// The smallest batch whose calls make the same choice between the worker threads and the caller
    /// alone as <paramref name="maxBatch"/>'s: 1 unless the largest calls use the workers.
    /// </summary>
    /// <param name="workPerRow">Multiply-adds per step and batch row, as the runner weighs them.</param>
    /// <param name="threshold">The runner's threshold: work per step from which it uses the workers.</param>
    /// <param name="threaded">Whether the session has worker threads at all.</param>
    public static int Batch(int maxBatch, long workPerRow, long threshold, bool threaded)
    {
        if (!threaded || workPerRow * maxBatch < threshold)
            return 1;
        return (int)Math.Clamp((threshold + workPerRow - 1) / Math.Max(1, workPerRow), 1, maxBatch);
    }

    /// <summary>
    /// Steps of a warm-up forward (two, so that both step orders run, or fewer) whose arrays of
    /// steps × <paramref name="batch"/> rows of each width fit in an array; 0 when not even one
    /// step's do, and the forward is skipped.
    /// </summary>
    public static int Steps(int maxSequenceLength, int batch, params ReadOnlySpan<int> widths)
    {
        for (int steps = Math.Min(2, maxSequenceLength); steps > 0; steps--)
        {
            bool fits = true;
            foreach (int width in widths)
                fits &= (long)steps * batch * width <= Array.MaxLength;
            if (fits)
                return steps;
        }
        return 0;
    }
}
