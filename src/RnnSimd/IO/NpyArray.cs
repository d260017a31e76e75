namespace RnnSimd.IO;

/// <summary>
/// An array read from an npy file: its shape, its element type and its bytes as stored
/// (little-endian, C order), converted on request.
/// </summary>
public sealed class NpyArray
{
    private readonly byte[] _data;
    private readonly int[] _shape;

    internal NpyArray(string fileName, TensorDType dtype, int[] shape, byte[] data)
    {
        FileName = fileName;
        DType = dtype;
        _shape = shape;
        _data = data;
    }

    /// <summary>The file it was read from, as the caller named it.</summary>
    public string FileName { get; }

    /// <summary>The dimensions, outermost first; empty for a scalar. A copy: changing it changes nothing here.</summary>
    public int[] Shape => (int[])_shape.Clone();

    /// <summary>The element type in the file.</summary>
    public TensorDType DType { get; }

    /// <summary>The number of elements: the product of <see cref="Shape"/> (1 for a scalar).</summary>
    public long ElementCount => _data.LongLength / DTypes.ItemSize(DType);

    /// <summary>The data bytes exactly as stored: little-endian elements in C order.</summary>
    public ReadOnlySpan<byte> RawBytes => _data;

    /// <summary>
    /// The elements as float32, in C order. Floats convert exactly (F16) or rounded to nearest (F64);
    /// integers round to nearest, so they are exact up to 2²⁴ in magnitude; BOOL reads as 0 and 1.
    /// </summary>
    /// <exception cref="TensorFileException">The array has more elements than a .NET array holds.</exception>
    public float[] ToFloat32() => TensorReading.Float32(Bytes(), 0, _data.LongLength, DType, FileName, "the array");

    /// <summary>The elements as int64, exactly, in C order; BOOL reads as 0 and 1.</summary>
    /// <exception cref="TensorFileException">The array holds floats, or a U64 value above <see cref="long.MaxValue"/>.</exception>
    public long[] ToInt64() => TensorReading.Int64(Bytes(), 0, _data.LongLength, DType, FileName, "the array");

    private ArrayTensorBytes Bytes() => new(_data, 0, _data.Length);
}
