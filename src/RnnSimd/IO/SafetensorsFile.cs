using System.Buffers.Binary;
using System.Collections.ObjectModel;

namespace RnnSimd.IO;

/// <summary>
/// A safetensors file open for reading: its header validated whole on open, its tensors read on
/// request and converted to float32 or int64. Files up to 1 MiB are read into memory; larger ones
/// are memory-mapped, read only within the validated ranges, and released by <see cref="Dispose"/>.
/// Reads may run on several threads at once, but not concurrently with <see cref="Dispose"/>.
/// docs/file-formats.md has the rules.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    /// <summary>Files larger than this are memory-mapped rather than read whole.</summary>
    internal const long DefaultMapThreshold = 1 << 20;

    private readonly TensorBytes _data;
    private readonly Dictionary<string, SafetensorsTensorInfo> _byName;
    private bool _disposed;

    private SafetensorsFile(string fileName, List<SafetensorsTensorInfo> tensors, Dictionary<string, string> metadata, TensorBytes data)
    {
        FileName = fileName;
        Tensors = tensors.AsReadOnly();
        Metadata = new ReadOnlyDictionary<string, string>(metadata);
        _data = data;
        _byName = new Dictionary<string, SafetensorsTensorInfo>(tensors.Count, StringComparer.Ordinal);
        foreach (SafetensorsTensorInfo info in tensors)
            _byName.Add(info.Name, info);
    }

    /// <summary>Opens a file and validates its whole header against its size (a pipe, such as /dev/stdin, is read to its end first).</summary>
    /// <param name="path">The file; messages name it as given.</param>
    /// <exception cref="TensorFileException">The file is missing, unreadable, malformed or of an unsupported kind.</exception>
    public static SafetensorsFile Open(string path) => Open(path, DefaultMapThreshold);

    /// <summary><see cref="Open(string)"/> with the size above which the file is memory-mapped (tests map small files).</summary>
    internal static SafetensorsFile Open(string path, long mapThreshold)
    {
        FileStream stream = TensorFileAccess.OpenRead(path);
        bool owned = false;
        try
        {
            // A pipe (/dev/stdin, a FIFO) has no length to map: read it to its end instead.
            if (!stream.CanSeek)
                return Open(stream, path);
            long fileLength = stream.Length;
            if (fileLength <= mapThreshold)
            {
                var all = new byte[fileLength];
                stream.ReadExactly(all);
                return FromBytes(all, path);
            }
            Span<byte> prefix = stackalloc byte[8];
            stream.ReadExactly(prefix);
            int headerLength = HeaderLength(prefix, fileLength, path);
            var header = new byte[headerLength];
            stream.ReadExactly(header);
            long dataStart = 8L + headerLength, dataLength = fileLength - dataStart;
            var (tensors, metadata) = SafetensorsHeader.Parse(header, dataLength, path);
            if (dataLength == 0)
                return new SafetensorsFile(path, tensors, metadata, new ArrayTensorBytes([], 0, 0));
            var mapped = new MappedTensorBytes(stream, dataStart, dataLength);
            owned = true;
            try
            {
                return new SafetensorsFile(path, tensors, metadata, mapped);
            }
            catch
            {
                mapped.Dispose();
                throw;
            }
        }
        catch (Exception e) when (TensorFileAccess.IsFileSystem(e))
        {
            throw TensorFileAccess.Wrap(path, e, "reading");
        }
        finally
        {
            if (!owned)
                stream.Dispose();
        }
    }

    /// <summary>Reads a safetensors file from the current position of a stream to its end, into memory.</summary>
    /// <param name="stream">The bytes; left open.</param>
    /// <param name="fileName">How messages name the source.</param>
    /// <exception cref="TensorFileException">The stream fails, or its content is malformed or of an unsupported kind.</exception>
    public static SafetensorsFile Open(Stream stream, string fileName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(fileName);
        byte[] all;
        try
        {
            if (stream.CanSeek && stream.Length - stream.Position > Array.MaxLength)
                throw new TensorFileException(fileName, $"the stream holds {stream.Length - stream.Position} bytes, more than one .NET array holds; open the file by path to map it.");
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            all = copy.ToArray();
        }
        catch (Exception e) when (TensorFileAccess.IsFileSystem(e) || e is OutOfMemoryException)
        {
            throw TensorFileAccess.Wrap(fileName, e, "reading");
        }
        return FromBytes(all, fileName);
    }

    private static SafetensorsFile FromBytes(byte[] all, string fileName)
    {
        int headerLength = HeaderLength(all, all.Length, fileName);
        int dataStart = 8 + headerLength;
        var (tensors, metadata) = SafetensorsHeader.Parse(all.AsSpan(8, headerLength), all.Length - dataStart, fileName);
        return new SafetensorsFile(fileName, tensors, metadata, new ArrayTensorBytes(all, dataStart, all.Length - dataStart));
    }

    /// <summary>The header length N from the first 8 bytes, checked: 2 ≤ N ≤ 100 MB and N ≤ file length − 8.</summary>
    private static int HeaderLength(ReadOnlySpan<byte> file, long fileLength, string fileName)
    {
        if (fileLength < 8)
            throw new TensorFileException(fileName, $"the file is {fileLength} bytes, too short for the 8-byte header length.");
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (n < 2)
            throw new TensorFileException(fileName, $"the header length is {n}; the smallest header, '{{}}', is 2 bytes.");
        if (n > SafetensorsHeader.MaxLength)
            throw new TensorFileException(fileName, $"the header length {n} exceeds the {SafetensorsHeader.MaxLength}-byte limit (not a safetensors file?).");
        if (n > (ulong)(fileLength - 8))
            throw new TensorFileException(fileName, $"the header length {n} runs past the end of the file ({fileLength - 8} bytes follow the length).");
        return (int)n;
    }

    /// <summary>The file as the caller named it.</summary>
    public string FileName { get; }

    /// <summary>Every tensor, in the order of the header (the order the writer gave them).</summary>
    public IReadOnlyList<SafetensorsTensorInfo> Tensors { get; }

    /// <summary>The <c>__metadata__</c> strings, in header order; empty if the header has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Whether the file has a tensor of that name (ordinal comparison).</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The description of a tensor.</summary>
    /// <exception cref="TensorFileException">The file has no tensor of that name.</exception>
    public SafetensorsTensorInfo Info(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name, out SafetensorsTensorInfo? info) ? info
            : throw new TensorFileException(FileName, $"there is no tensor {TensorNames.Quote(name)} (the file has {_byName.Count} tensor{(_byName.Count == 1 ? "" : "s")}).");
    }

    /// <summary>
    /// A tensor's elements as float32, in C order: F32 as stored, F16/BF16/F8 exactly, F64 rounded to
    /// nearest, integers rounded to nearest (exact up to 2²⁴), BOOL as 0 and 1. NaN stays NaN.
    /// </summary>
    /// <exception cref="TensorFileException">No tensor of that name, or more elements than a .NET array holds.</exception>
    public float[] ReadFloat32(string name)
    {
        SafetensorsTensorInfo info = Info(name);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return TensorReading.Float32(_data, info.Offset, info.Length, info.DType, FileName, $"tensor {TensorNames.Quote(name)}");
    }

    /// <summary>A tensor's integer elements as int64, exactly, in C order; BOOL as 0 and 1.</summary>
    /// <exception cref="TensorFileException">No tensor of that name, a floating dtype, or a U64 value above <see cref="long.MaxValue"/>.</exception>
    public long[] ReadInt64(string name)
    {
        SafetensorsTensorInfo info = Info(name);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return TensorReading.Int64(_data, info.Offset, info.Length, info.DType, FileName, $"tensor {TensorNames.Quote(name)}");
    }

    /// <summary>Releases the mapping (if any). Reading afterwards throws <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _data.Dispose();
    }

    /// <summary>
    /// Writes float32 tensors as a safetensors file: the JSON header (with <c>__metadata__</c> first
    /// when <paramref name="metadata"/> is given) padded with spaces to a multiple of 8 bytes, then the
    /// tensors' data contiguous in the order given.
    /// </summary>
    /// <param name="path">The file, created or replaced.</param>
    /// <param name="tensors">The tensors; names unique, none named <c>__metadata__</c>.</param>
    /// <param name="metadata">String metadata, or null for none.</param>
    /// <exception cref="ArgumentException">A duplicate or reserved name, a negative dimension, a shape that does not match its data, or a string with an unpaired surrogate; the message names the tensor.</exception>
    /// <exception cref="TensorFileException">The file cannot be created or written.</exception>
    public static void Write(string path, IEnumerable<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafetensorsWriter.Write(path, tensors, metadata);
}
