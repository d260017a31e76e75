using RnnSimd.Kernels.Vectors;

namespace RnnSimd.Kernels.Activations;

/// <summary>
/// An element-wise function applied in a kernel's epilogue while a tile is in registers. One small
/// struct per function; the JIT specialises every kernel for it, so the call is inlined.
/// </summary>
internal interface IActivation
{
    /// <summary>Short name used in kernel names ("tanh", "sigmoid", ...).</summary>
    static abstract string Name { get; }

    /// <summary>The function, lane by lane, at any width.</summary>
    static abstract TVec Invoke<TVec>(TVec x) where TVec : struct, IVec<TVec>;
}
