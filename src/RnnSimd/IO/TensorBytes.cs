using System.IO.MemoryMappedFiles;

namespace RnnSimd.IO;

/// <summary>
/// The bytes of a file's data section: in a managed array, or in a memory-mapped view. Callers pass
/// only ranges they have validated against <see cref="Length"/>; the mapped view checks them again
/// (SafeBuffer bounds), so no read can leave the mapping.
/// </summary>
internal abstract class TensorBytes : IDisposable
{
    public abstract long Length { get; }

    /// <summary>The bytes at [offset, offset + scratch.Length): a view of the array, or a copy in <paramref name="scratch"/>.</summary>
    public abstract ReadOnlySpan<byte> Chunk(long offset, Span<byte> scratch);

    /// <summary>Copies the bytes at [offset, offset + destination.Length).</summary>
    public abstract void CopyTo(long offset, Span<byte> destination);

    public virtual void Dispose()
    {
    }

    protected void CheckRange(long offset, int length)
    {
        if (offset < 0 || length < 0 || offset > Length - length)
            throw new ArgumentOutOfRangeException(nameof(offset), $"[{offset}, {offset + length}) is outside the {Length} bytes of the data section.");
    }
}

/// <summary>Data held in a managed array (a small file read whole).</summary>
internal sealed class ArrayTensorBytes(byte[] array, int start, int length) : TensorBytes
{
    public override long Length => length;

    public override ReadOnlySpan<byte> Chunk(long offset, Span<byte> scratch)
    {
        CheckRange(offset, scratch.Length);
        return array.AsSpan(start + (int)offset, scratch.Length);
    }

    public override void CopyTo(long offset, Span<byte> destination) => Chunk(offset, destination).CopyTo(destination);
}

/// <summary>Data in a read-only memory-mapped view of the whole file, starting <c>start</c> bytes in.</summary>
internal sealed class MappedTensorBytes : TensorBytes
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly long _start;
    private readonly long _length;

    public MappedTensorBytes(FileStream stream, long start, long length)
    {
        _file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        try
        {
            _view = _file.CreateViewAccessor(0, start + length, MemoryMappedFileAccess.Read);
        }
        catch
        {
            _file.Dispose();
            throw;
        }
        _start = start + _view.PointerOffset;
        _length = length;
    }

    public override long Length => _length;

    public override ReadOnlySpan<byte> Chunk(long offset, Span<byte> scratch)
    {
        CopyTo(offset, scratch);
        return scratch;
    }

    public override void CopyTo(long offset, Span<byte> destination)
    {
        CheckRange(offset, destination.Length);
        _view.SafeMemoryMappedViewHandle.ReadSpan((ulong)(_start + offset), destination);
    }

    public override void Dispose()
    {
        _view.Dispose();
        _file.Dispose();
    }
}
