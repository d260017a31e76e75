namespace RnnSimd.Kernels;

/// <summary>The epilogue functions the kernels fuse.</summary>
internal enum ActivationKind
{
    Identity,
    Tanh,
    Relu,
    Sigmoid,
}
