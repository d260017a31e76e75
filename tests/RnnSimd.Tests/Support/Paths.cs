namespace RnnSimd.Tests.Support;

/// <summary>Theory data: every SIMD path this process can run, so each is tested in-process.</summary>
public sealed class AvailablePaths : TheoryData<SimdPath>
{
    public AvailablePaths()
    {
        foreach (SimdPath p in Isa.Available)
            Add(p);
    }
}
