namespace RnnSimd.Benchmarks;

/// <summary>An Elman forward problem: T steps of B rows, X inputs, H hidden units.</summary>
public sealed record ElmanShape(string Name, int T, int B, int X, int H)
{
    /// <summary>Multiply-adds count twice, the input projection included (docs/benchmarks.md).</summary>
    public double Flops => 2.0 * T * B * H * ((double)X + H);

    public override string ToString() => Name;
}

/// <summary>The standard shapes of docs/benchmarks.md, by the names the benchmark parameters use.</summary>
public static class Shapes
{
    public static readonly ElmanShape S1 = new("S1", 1, 1, 64, 128);
    public static readonly ElmanShape S2 = new("S2", 100, 1, 64, 128);
    public static readonly ElmanShape S3 = new("S3", 100, 1, 256, 256);
    public static readonly ElmanShape S4 = new("S4", 50, 32, 256, 512);
    public static readonly ElmanShape S5 = new("S5", 100, 64, 1024, 1024);

    /// <summary>Batch 1 with weights (8 MiB) past L2: where streaming W_hh bounds each step.</summary>
    public static readonly ElmanShape B1H1024 = new("B1H1024", 100, 1, 1024, 1024);

    public static IReadOnlyList<ElmanShape> Standard { get; } = [S1, S2, S3, S4, S5];

    public static IReadOnlyList<ElmanShape> All { get; } = [S1, S2, S3, S4, S5, B1H1024];

    public static ElmanShape Get(string name) =>
        All.FirstOrDefault(s => s.Name == name)
        ?? throw new ArgumentException($"Unknown shape '{name}'; known: {string.Join(", ", All)}.", nameof(name));
}
