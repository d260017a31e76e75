using System.Buffers.Binary;
using System.Text;

namespace RnnSimd.IO;

/// <summary>
/// numpy's npy format (<c>numpy.save</c>/<c>numpy.load</c>): read versions 1.0, 2.0 and 3.0 of
/// little-endian C-order arrays; write version 1.0 exactly as numpy does. docs/file-formats.md has
/// the rules.
/// </summary>
public static class NpyFile
{
    /// <summary>Reads an npy file whole.</summary>
    /// <param name="path">The file; messages name it as given.</param>
    /// <exception cref="TensorFileException">The file is missing, unreadable, malformed or of an unsupported kind.</exception>
    public static NpyArray Read(string path)
    {
        using FileStream stream = TensorFileAccess.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads an npy array from the current position of a stream to its end (nothing may follow the data).</summary>
    /// <param name="stream">The bytes; left open.</param>
    /// <param name="fileName">How messages name the source.</param>
    /// <exception cref="TensorFileException">The stream fails, or its content is malformed or of an unsupported kind.</exception>
    public static NpyArray Read(Stream stream, string fileName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(fileName);
        try
        {
            return ReadCore(stream, fileName);
        }
        catch (Exception e) when (TensorFileAccess.IsFileSystem(e))
        {
            throw TensorFileAccess.Wrap(fileName, e, "reading");
        }
    }

    private static NpyArray ReadCore(Stream stream, string fileName)
    {
        Span<byte> prefix = stackalloc byte[12];
        int got = ReadFully(stream, prefix[..8]);
        if (got < 8 || !prefix[..6].SequenceEqual(NpyHeader.Magic))
            throw new TensorFileException(fileName, got < 6 || !prefix[..6].SequenceEqual(NpyHeader.Magic)
                ? "not an npy file: it does not start with the magic string \\x93NUMPY."
                : $"the file ends after {got} bytes, inside the npy preamble.");
        byte major = prefix[6], minor = prefix[7];
        if (major is not (1 or 2 or 3) || minor != 0)
            throw new TensorFileException(fileName, $"npy version {major}.{minor} is not supported (1.0, 2.0 and 3.0 are).");
        int lengthBytes = major == 1 ? 2 : 4;
        if (ReadFully(stream, prefix.Slice(8, lengthBytes)) < lengthBytes)
            throw new TensorFileException(fileName, "the file ends inside the npy preamble (the header length).");
        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]);
        if (headerLength > NpyHeader.MaxHeaderLength)
            throw new TensorFileException(fileName, $"the header length {headerLength} exceeds the {NpyHeader.MaxHeaderLength} bytes accepted.");

        var headerBytes = new byte[headerLength];
        int headerGot = ReadFully(stream, headerBytes);
        if (headerGot < headerLength)
            throw new TensorFileException(fileName, $"the file ends inside the header ({headerGot} of {headerLength} bytes).");
        string text;
        if (major == 3)
        {
            try
            {
                text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(headerBytes);
            }
            catch (DecoderFallbackException)
            {
                throw new TensorFileException(fileName, "the version 3.0 header is not valid UTF-8.");
            }
        }
        else
        {
            text = Encoding.Latin1.GetString(headerBytes);
        }

        (TensorDType dtype, int[] shape) = NpyHeader.Parse(text, fileName, allowLongSuffix: major < 3);
        string what = $"shape {DTypes.FormatShape(shape)} of '{DTypes.NpyDescr(dtype)}'";
        long? count = DTypes.ElementCount(shape);
        int itemSize = DTypes.ItemSize(dtype);
        if (count is null || count > long.MaxValue / itemSize)
            throw new TensorFileException(fileName, $"{what} has more elements than fit in 2⁶³ bytes.");
        long expected = count.Value * itemSize;
        byte[] data = ReadData(stream, expected, fileName, what);
        return new NpyArray(fileName, dtype, shape, data);
    }

    private static byte[] ReadData(Stream stream, long expected, string fileName, string what)
    {
        if (stream.CanSeek)
        {
            long remaining = stream.Length - stream.Position;
            if (remaining != expected)
                throw new TensorFileException(fileName, remaining < expected
                    ? $"the data is {remaining} bytes; {what} needs {expected}."
                    : $"{remaining - expected} bytes follow the data; {what} needs exactly {expected}.");
        }
        if (expected > Array.MaxLength)
            throw new TensorFileException(fileName, $"{what} is {expected} bytes, more than one .NET array holds.");

        // A stream that cannot tell its length gets a buffer that grows with what actually arrives.
        var data = new byte[stream.CanSeek ? expected : Math.Min(expected, 1 << 20)];
        long filled = 0;
        while (filled < expected)
        {
            if (filled == data.Length)
                Array.Resize(ref data, (int)Math.Min(expected, 2L * data.Length));
            int n = stream.Read(data, (int)filled, data.Length - (int)filled);
            if (n == 0)
                throw new TensorFileException(fileName, $"the data is {filled} bytes; {what} needs {expected}.");
            filled += n;
        }
        if (stream.ReadByte() >= 0)
            throw new TensorFileException(fileName, $"bytes follow the data; {what} needs exactly {expected}.");
        return data;
    }

    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0)
                break;
            total += n;
        }
        return total;
    }

    /// <summary>Writes float32 data as a version 1.0 npy file of type <c>'&lt;f4'</c>, byte for byte as numpy.save would.</summary>
    /// <param name="path">The file, created or replaced.</param>
    /// <param name="shape">The dimensions (empty for a scalar); each non-negative, their product the length of <paramref name="data"/>.</param>
    /// <param name="data">The elements in C order.</param>
    /// <exception cref="ArgumentException">A negative dimension, or the shape does not match the data's length.</exception>
    /// <exception cref="TensorFileException">The file cannot be created or written.</exception>
    public static void Write(string path, ReadOnlySpan<int> shape, ReadOnlySpan<float> data) => WriteCore(path, shape, data, "<f4");

    /// <summary>Writes float64 data as a version 1.0 npy file of type <c>'&lt;f8'</c>, byte for byte as numpy.save would.</summary>
    /// <param name="path">The file, created or replaced.</param>
    /// <param name="shape">The dimensions (empty for a scalar); each non-negative, their product the length of <paramref name="data"/>.</param>
    /// <param name="data">The elements in C order.</param>
    /// <exception cref="ArgumentException">A negative dimension, or the shape does not match the data's length.</exception>
    /// <exception cref="TensorFileException">The file cannot be created or written.</exception>
    public static void Write(string path, ReadOnlySpan<int> shape, ReadOnlySpan<double> data) => WriteCore(path, shape, data, "<f8");

    /// <summary>Writes int64 data as a version 1.0 npy file of type <c>'&lt;i8'</c>, byte for byte as numpy.save would.</summary>
    /// <param name="path">The file, created or replaced.</param>
    /// <param name="shape">The dimensions (empty for a scalar); each non-negative, their product the length of <paramref name="data"/>.</param>
    /// <param name="data">The elements in C order.</param>
    /// <exception cref="ArgumentException">A negative dimension, or the shape does not match the data's length.</exception>
    /// <exception cref="TensorFileException">The file cannot be created or written.</exception>
    public static void Write(string path, ReadOnlySpan<int> shape, ReadOnlySpan<long> data) => WriteCore(path, shape, data, "<i8");

    private static void WriteCore<T>(string path, ReadOnlySpan<int> shape, ReadOnlySpan<T> data, string descr) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(path);
        CheckShape(shape, data.Length, nameof(data));
        byte[] header = NpyHeader.Format(descr, shape);
        FileStream stream = TensorFileAccess.Create(path, out bool created);
        try
        {
            stream.Write(header);
            ByteWriting.WriteLittleEndian(stream, data);
            stream.Dispose();
        }
        catch (Exception e)
        {
            TensorFileAccess.Abandon(stream, path, created, e);
            throw;
        }
    }

    private static void CheckShape(ReadOnlySpan<int> shape, int length, string dataName)
    {
        string? problem = DTypes.ShapeProblem(shape, length, dataName);
        if (problem is not null)
            throw new ArgumentException(problem, dataName);
    }
}
