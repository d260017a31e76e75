using System.Text;
using FsCheck;
using FsCheck.Fluent;
using RnnSimd.IO;

namespace RnnSimd.Tests.IO;

/// <summary>
/// Tensor file cases: shapes (scalars, zero-size, up to rank 4) and a seed for the values and
/// strings, so a failing case shrinks by its shapes and prints as one readable line.
/// </summary>
public static class IoArbitraries
{
    /// <summary>At most this many elements per tensor: enough to cross every chunk boundary that matters here, small enough to be quick.</summary>
    public const int MaxElements = 3000;

    public static Gen<int[]> Shape() =>
        (from rank in Gen.Frequency((1, Gen.Constant(0)), (3, Gen.Choose(1, 4)))
         from dims in Gen.OneOf(Gen.Choose(0, 4), Gen.Choose(1, 40), Gen.Constant(1)).ArrayOf(rank)
         select dims).Where(s => Count(s) <= MaxElements);

    public static long Count(int[] shape) => shape.Aggregate(1L, (p, d) => p * d);

    /// <summary>Smaller shapes: one dimension fewer, each dimension toward 0 and 1.</summary>
    public static IEnumerable<int[]> ShrinkShape(int[] shape)
    {
        if (shape.Length > 0)
        {
            yield return shape[..^1];
            yield return shape[1..];
        }
        for (int i = 0; i < shape.Length; i++)
        {
            foreach (int d in (int[])[0, 1, shape[i] / 2, shape[i] - 1])
                if (d >= 0 && d < shape[i])
                {
                    int[] smaller = (int[])shape.Clone();
                    smaller[i] = d;
                    yield return smaller;
                }
        }
    }

    public static Arbitrary<ArrayCase> ArrayCases() =>
        Arb.From(
            from shape in Shape()
            from seed in Gen.Choose(0, int.MaxValue)
            select new ArrayCase(shape, seed),
            c => ShrinkShape(c.Shape).Select(s => c with { Shape = s }));

    public static Arbitrary<SafetensorsCase> SafetensorsCases() =>
        Arb.From(
            from shapes in Shape().ListOf().Select(l => l.Take(5).ToArray())
            from metadata in Gen.Frequency((1, Gen.Constant(-1)), (3, Gen.Choose(0, 4)))
            from seed in Gen.Choose(0, int.MaxValue)
            select new SafetensorsCase(shapes, metadata, seed),
            ShrinkSafetensors);

    private static IEnumerable<SafetensorsCase> ShrinkSafetensors(SafetensorsCase c)
    {
        for (int i = 0; i < c.Shapes.Length; i++)
            yield return c with { Shapes = [.. c.Shapes[..i], .. c.Shapes[(i + 1)..]] };
        if (c.MetadataCount > 0)
            yield return c with { MetadataCount = c.MetadataCount - 1 };
        if (c.MetadataCount == 0)
            yield return c with { MetadataCount = -1 };
        for (int i = 0; i < c.Shapes.Length; i++)
            foreach (int[] s in ShrinkShape(c.Shapes[i]))
            {
                int[][] shapes = (int[][])c.Shapes.Clone();
                shapes[i] = s;
                yield return c with { Shapes = shapes };
            }
    }

    private static readonly float[] SpecialFloats =
    [
        float.NaN, -float.NaN, BitConverter.Int32BitsToSingle(0x7F800001), BitConverter.Int32BitsToSingle(unchecked((int)0xFFC12345)),
        float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, float.Epsilon, -float.Epsilon,
        BitConverter.Int32BitsToSingle(0x007FFFFF), -BitConverter.Int32BitsToSingle(0x00000123), float.MaxValue, float.MinValue, 1f, -1f,
    ];

    private static readonly double[] SpecialDoubles =
    [
        double.NaN, -double.NaN, BitConverter.Int64BitsToDouble(0x7FF0000000000001), double.PositiveInfinity, double.NegativeInfinity,
        0d, -0d, double.Epsilon, -double.Epsilon, BitConverter.Int64BitsToDouble(0x000FFFFFFFFFFFFF), double.MaxValue, double.MinValue,
    ];

    private static readonly long[] SpecialLongs = [0, -1, 1, long.MinValue, long.MaxValue, int.MinValue, (long)int.MaxValue + 1];

    /// <summary>Any bit pattern a third of the time, special values a third, ordinary numbers the rest.</summary>
    public static float[] Floats(Random rng, long count)
    {
        var v = new float[count];
        for (int i = 0; i < v.Length; i++)
            v[i] = rng.Next(3) switch
            {
                0 => BitConverter.Int32BitsToSingle(rng.Next() ^ (rng.Next(2) << 31)),
                1 => SpecialFloats[rng.Next(SpecialFloats.Length)],
                _ => (float)(rng.NextDouble() * 2 - 1),
            };
        return v;
    }

    public static double[] Doubles(Random rng, long count)
    {
        var v = new double[count];
        for (int i = 0; i < v.Length; i++)
            v[i] = rng.Next(3) switch
            {
                0 => BitConverter.Int64BitsToDouble(rng.NextInt64() ^ ((long)rng.Next(2) << 63)),
                1 => SpecialDoubles[rng.Next(SpecialDoubles.Length)],
                _ => rng.NextDouble() * 2 - 1,
            };
        return v;
    }

    public static long[] Longs(Random rng, long count)
    {
        var v = new long[count];
        for (int i = 0; i < v.Length; i++)
            v[i] = rng.Next(3) switch
            {
                0 => rng.NextInt64() ^ ((long)rng.Next(2) << 63),
                1 => SpecialLongs[rng.Next(SpecialLongs.Length)],
                _ => rng.Next(-1000, 1000),
            };
        return v;
    }

    /// <summary>Characters that test quoting and encoding: JSON escapes, control characters, 2-, 3- and 4-byte UTF-8.</summary>
    private static readonly string[] Pieces =
        ["a", "b", "Z", "0", "9", ".", "_", " ", "\"", "\\", "/", "\n", "\t", "\0", "\u007f", "é", "ß", "Ω", "漢", "字", "€", "\u2028", "😀", "𝄞", "\uFEFF"];

    public static string Text(Random rng, int maxPieces = 10)
    {
        var b = new StringBuilder();
        int n = rng.Next(maxPieces + 1);
        for (int i = 0; i < n; i++)
            b.Append(rng.Next(3) == 0 ? Pieces[rng.Next(Pieces.Length)] : ((char)('a' + rng.Next(26))).ToString());
        return b.ToString();
    }
}

/// <summary>One npy array: its shape, and a seed for its values.</summary>
public sealed record ArrayCase(int[] Shape, int Seed)
{
    public long Count => IoArbitraries.Count(Shape);

    public override string ToString() => $"shape ({string.Join(", ", Shape)}) seed {Seed}";
}

/// <summary>A safetensors file: its tensors' shapes, how many metadata entries (−1: no metadata at all), and a seed for names, values and strings.</summary>
public sealed record SafetensorsCase(int[][] Shapes, int MetadataCount, int Seed)
{
    public override string ToString() =>
        $"shapes [{string.Join(", ", Shapes.Select(s => "(" + string.Join(", ", s) + ")"))}] metadata {MetadataCount} seed {Seed}";

    /// <summary>The tensors (unique names, random values) and metadata this case stands for.</summary>
    public (SafetensorsTensor[] Tensors, Dictionary<string, string>? Metadata) Build()
    {
        var rng = new Random(Seed);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var tensors = new SafetensorsTensor[Shapes.Length];
        for (int i = 0; i < tensors.Length; i++)
        {
            string name = IoArbitraries.Text(rng);
            if (name == "__metadata__" || !names.Add(name))
                names.Add(name += "#" + i);
            tensors[i] = new SafetensorsTensor(name, Shapes[i], IoArbitraries.Floats(rng, IoArbitraries.Count(Shapes[i])));
        }
        Dictionary<string, string>? metadata = null;
        if (MetadataCount >= 0)
        {
            metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int i = 0; i < MetadataCount; i++)
                metadata.TryAdd(IoArbitraries.Text(rng), IoArbitraries.Text(rng, 30));
        }
        return (tensors, metadata);
    }
}
