using System.Runtime.CompilerServices;
using RnnSimd.Kernels.Vectors;

namespace RnnSimd.Kernels.Activations;

/// <summary>max(x, 0), with NaN kept (a hardware max would turn NaN into 0 on x64).</summary>
internal readonly struct ReluActivation : IActivation
{
    public static string Name => "relu";

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Invoke<TVec>(TVec x) where TVec : struct, IVec<TVec>
        => TVec.SelectWhereLess(x, TVec.Zero, TVec.Zero, x);
}
