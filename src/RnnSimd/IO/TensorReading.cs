using System.Buffers;
using System.Runtime.InteropServices;

namespace RnnSimd.IO;

/// <summary>Whole tensors out of <see cref="TensorBytes"/> as float32 or int64, a chunk at a time.</summary>
internal static class TensorReading
{
    private const int ChunkBytes = 1 << 20;

    /// <param name="what">How messages name the tensor: "tensor 'w'" or "the array".</param>
    public static float[] Float32(TensorBytes bytes, long offset, long length, TensorDType dtype, string fileName, string what)
    {
        int itemSize = DTypes.ItemSize(dtype);
        var result = new float[Count(length, itemSize, fileName, what)];
        if (dtype == TensorDType.F32 && BitConverter.IsLittleEndian)
        {
            for (long done = 0; done < length; done += ChunkBytes)
            {
                int n = (int)Math.Min(ChunkBytes, length - done);
                bytes.CopyTo(offset + done, MemoryMarshal.AsBytes(result.AsSpan((int)(done / 4), n / 4)));
            }
            return result;
        }
        byte[] scratch = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            for (long done = 0; done < length; done += ChunkBytes)
            {
                int n = (int)Math.Min(ChunkBytes, length - done);
                ReadOnlySpan<byte> chunk = bytes.Chunk(offset + done, scratch.AsSpan(0, n));
                ElementConversion.ToFloat32(dtype, chunk, result.AsSpan((int)(done / itemSize), n / itemSize));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
        return result;
    }

    public static long[] Int64(TensorBytes bytes, long offset, long length, TensorDType dtype, string fileName, string what)
    {
        if (DTypes.IsFloat(dtype))
            throw new TensorFileException(fileName, $"{what} holds {dtype} floats, which do not read as int64 integers.");
        int itemSize = DTypes.ItemSize(dtype);
        var result = new long[Count(length, itemSize, fileName, what)];
        byte[] scratch = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            for (long done = 0; done < length; done += ChunkBytes)
            {
                int n = (int)Math.Min(ChunkBytes, length - done);
                ReadOnlySpan<byte> chunk = bytes.Chunk(offset + done, scratch.AsSpan(0, n));
                int first = (int)(done / itemSize);
                int bad = ElementConversion.ToInt64(dtype, chunk, result.AsSpan(first, n / itemSize));
                if (bad >= 0)
                    throw new TensorFileException(fileName,
                        $"{what}: element {first + bad} of the U64 data exceeds the int64 range ({long.MaxValue}).");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
        return result;
    }

    private static int Count(long length, int itemSize, string fileName, string what)
    {
        long count = length / itemSize;
        if (count > Array.MaxLength)
            throw new TensorFileException(fileName, $"{what} has {count} elements, more than one .NET array holds ({Array.MaxLength}).");
        return (int)count;
    }
}
