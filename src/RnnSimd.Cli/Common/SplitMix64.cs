namespace RnnSimd.Cli.Common;

/// <summary>
/// SplitMix64: a small seeded generator whose sequence is fixed forever (System.Random's seeded
/// sequence may change between .NET versions), so generated samples are the same bytes everywhere.
/// </summary>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [low, high): 24 random bits scaled, so every value is exact in float32.</summary>
    public float NextFloat(float low, float high) => low + (high - low) * ((Next() >> 40) * (1f / (1 << 24)));

    /// <summary>An array of uniform values in [−bound, bound).</summary>
    public float[] Uniform(int count, float bound)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
            values[i] = NextFloat(-bound, bound);
        return values;
    }
}
