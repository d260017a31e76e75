namespace RnnSimd.Kernels;

/// <summary>Panels [Start, End) of a packed matrix: the share of output columns one thread computes.</summary>
internal readonly record struct PanelRange(int Start, int End)
{
    public bool IsEmpty => End <= Start;

    /// <summary>Share <paramref name="index"/> of <paramref name="count"/> near-equal shares of <paramref name="panels"/> panels.</summary>
    public static PanelRange Share(int panels, int index, int count)
        => new((int)((long)panels * index / count), (int)((long)panels * (index + 1) / count));
}
