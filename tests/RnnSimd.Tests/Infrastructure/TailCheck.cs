using Xunit.Sdk;

namespace RnnSimd.Tests.Infrastructure;

/// <summary>Theory data and comparisons shared by the tail-safety tests.</summary>
public static class TailCheck
{
    /// <summary>Every path this machine runs, so one process covers all widths it can.</summary>
    public static TheoryData<SimdPath> Paths()
    {
        var data = new TheoryData<SimdPath>();
        foreach (var path in Isa.Available)
            data.Add(path);
        return data;
    }

    public static readonly GuardSide[] Sides = [GuardSide.End, GuardSide.Start];

    /// <summary>
    /// Distinct values in [-scale, scale], fixed by <paramref name="seed"/>: distinct so that a lane
    /// computed from its neighbour's input cannot pass by coincidence.
    /// </summary>
    public static float[] Values(int count, int seed, float scale = 1f)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)((random.NextDouble() * 2 - 1) * scale);
        return values;
    }

    /// <summary>Places <paramref name="buffer"/> exactly around <paramref name="values"/> and copies them in.</summary>
    public static Span<float> PlaceWith(GuardedBuffer buffer, ReadOnlySpan<float> values, GuardSide side)
    {
        buffer.Place(values.Length, side);
        values.CopyTo(buffer.Span);
        return buffer.Span;
    }

    /// <summary>Within <paramref name="absolute"/>, or within <paramref name="ulps"/> ulp of the reference rounded to float.</summary>
    public static bool Close(double expected, float actual, double absolute, int ulps)
    {
        if (double.IsNaN(expected) || float.IsNaN(actual))
            return double.IsNaN(expected) && float.IsNaN(actual);
        if (Math.Abs(actual - expected) <= absolute)
            return true;
        float rounded = (float)expected;
        float ulp = MathF.BitIncrement(MathF.Abs(rounded)) - MathF.Abs(rounded);
        return Math.Abs(actual - rounded) <= ulps * (double)ulp;
    }

    public static void AssertBitEqual(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string context)
    {
        if (expected.Length != actual.Length)
            throw new XunitException($"{context}: {actual.Length} floats where {expected.Length} were expected.");
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                throw new XunitException(
                    $"{context}: element {i} of {expected.Length} is {actual[i]:R}, expected bit-identical {expected[i]:R}.");
        }
    }

    public static void AssertSlackIntact(string context, params GuardedBuffer[] buffers)
    {
        foreach (var buffer in buffers)
        {
            try
            {
                buffer.AssertSlackIntact();
            }
            catch (XunitException e)
            {
                throw new XunitException($"{context}: {e.Message}");
            }
        }
    }
}
