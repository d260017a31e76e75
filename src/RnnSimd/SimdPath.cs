namespace RnnSimd;

/// <summary>The instruction-set paths RnnSimd has kernels for, narrowest first.</summary>
public enum SimdPath
{
    /// <summary>One float at a time: the portable path, taken when no vector hardware is usable.</summary>
    Scalar = 0,

    /// <summary>128-bit vectors: SSE on x64, NEON (AdvSimd) on ARM64.</summary>
    Vector128 = 1,

    /// <summary>256-bit vectors: AVX2 with FMA.</summary>
    Vector256 = 2,

    /// <summary>512-bit vectors: AVX-512.</summary>
    Vector512 = 3,
}
