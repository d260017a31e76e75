namespace RnnSimd.IO;

/// <summary>One tensor of a safetensors file, as its header describes it (validated).</summary>
/// <param name="Name">The key in the header.</param>
/// <param name="DType">The element type.</param>
/// <param name="Shape">The dimensions, outermost first; empty for a scalar (one element).</param>
/// <param name="Offset">Where the data begins, in bytes from the start of the data section.</param>
/// <param name="Length">The data's length in bytes: the element count times the element size.</param>
public sealed record SafetensorsTensorInfo(string Name, TensorDType DType, int[] Shape, long Offset, long Length)
{
    /// <summary>The number of elements: the product of <see cref="Shape"/> (1 for a scalar).</summary>
    public long ElementCount => Length / DTypes.ItemSize(DType);
}
