using System.Runtime.InteropServices;

namespace RnnSimd.IO;

/// <summary>Elements written little-endian to a stream whatever the host's byte order.</summary>
internal static class ByteWriting
{
    public static void WriteLittleEndian<T>(Stream stream, ReadOnlySpan<T> data) where T : unmanaged
    {
        if (BitConverter.IsLittleEndian)
        {
            const int chunk = 1 << 28;
            for (int i = 0; i < data.Length; i += chunk)
                stream.Write(MemoryMarshal.AsBytes(data.Slice(i, Math.Min(chunk, data.Length - i))));
            return;
        }
        int size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        var buffer = new byte[size * 4096];
        for (int i = 0; i < data.Length; i += 4096)
        {
            ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(data.Slice(i, Math.Min(4096, data.Length - i)));
            Span<byte> swapped = buffer.AsSpan(0, bytes.Length);
            bytes.CopyTo(swapped);
            for (int j = 0; j < swapped.Length; j += size)
                swapped.Slice(j, size).Reverse();
            stream.Write(swapped);
        }
    }
}
