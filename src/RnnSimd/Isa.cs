using System.Runtime.Intrinsics;
using RnnSimd.Kernels.Vectors;

namespace RnnSimd;

/// <summary>
/// What the runtime lets RnnSimd use on this machine, decided once per process. The widest
/// accelerated path is the default for every model; narrower ones stay available by name so that
/// tests and benchmarks can run each of them in one process.
/// </summary>
public static class Isa
{
    /// <summary>The widest path whose vectors are hardware accelerated here.</summary>
    /// <remarks>
    /// Follows the runtime's own switches: DOTNET_EnableAVX512=0, DOTNET_EnableAVX2=0,
    /// DOTNET_EnableHWIntrinsic=0 and DOTNET_PreferredVectorBitWidth=256 each narrow it.
    /// </remarks>
    public static SimdPath Best { get; } =
        Vec512.IsSupported ? SimdPath.Vector512 :
        Vec256.IsSupported ? SimdPath.Vector256 :
        Vec128.IsSupported ? SimdPath.Vector128 :
        SimdPath.Scalar;

    /// <summary>Every path that runs on this machine, narrowest first (always includes <see cref="SimdPath.Scalar"/>).</summary>
    public static IReadOnlyList<SimdPath> Available { get; } =
        Enum.GetValues<SimdPath>().Where(p => p <= Best).ToArray();

    /// <summary>Whether <paramref name="path"/> can run here.</summary>
    public static bool IsAvailable(SimdPath path) => path >= SimdPath.Scalar && path <= Best;

    /// <summary>Floats in one vector of <paramref name="path"/>.</summary>
    public static int Lanes(SimdPath path) => path switch
    {
        SimdPath.Vector512 => 16,
        SimdPath.Vector256 => 8,
        SimdPath.Vector128 => 4,
        SimdPath.Scalar => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(path), path, "Unknown SIMD path."),
    };

    /// <summary>Whether multiply-adds are fused (one rounding) on this machine.</summary>
    public static bool HasFma { get; } =
        System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported;

    internal static SimdPath Resolve(SimdPath? requested, string paramName)
    {
        if (requested is not { } path)
            return Best;
        if (!IsAvailable(path))
            throw new ArgumentException(
                $"SIMD path {path} is not available on this machine (widest available: {Best}).", paramName);
        return path;
    }
}
