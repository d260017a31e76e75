using System.Runtime.CompilerServices;
using RnnSimd.Kernels.Vectors;

namespace RnnSimd.Kernels.Activations;

/// <summary>No activation: the epilogue stores the affine result as is (output heads, projections).</summary>
internal readonly struct IdentityActivation : IActivation
{
    public static string Name => "identity";

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Invoke<TVec>(TVec x) where TVec : struct, IVec<TVec> => x;
}
