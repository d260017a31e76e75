namespace RnnSimd.Kernels;

/// <summary>
/// The order in which a single-row tile takes the products k = 0 … K−1, known to the JIT so that
/// each order compiles to its own loop (see PackedGemm.Run's <c>descending</c>).
/// </summary>
internal interface IKOrder
{
    static abstract bool Reverse { get; }
}

/// <summary>k = 0, 1, …, K−1: every product but a descending batch-1 step.</summary>
internal readonly struct Forward : IKOrder { public static bool Reverse => false; }

/// <summary>k = K−1, …, 0: the odd steps of a batch-1 recurrence.</summary>
internal readonly struct Backward : IKOrder { public static bool Reverse => true; }
