namespace RnnSimd.Kernels;

/// <summary>Panels [Start, End) of a packed matrix: the share of output columns one thread computes.</summary>
internal readonly record struct PanelRange(int Start, int End)
{
    public bool IsEmpty => End <= Start;

    /// <summary>
    /// Share <paramref name="index"/> of <paramref name="count"/> near-equal shares of
    /// <paramref name="panels"/> panels, the larger ones first: share 0 is the calling thread's,
    /// and a caller that finishes first waits at the barrier, which the busy-core pause would
    /// read as a late worker (3 panels on 2 threads: the caller takes 2).
    /// </summary>
    public static PanelRange Share(int panels, int index, int count)
        => new(panels - (int)((long)panels * (count - index) / count), panels - (int)((long)panels * (count - 1 - index) / count));
}
