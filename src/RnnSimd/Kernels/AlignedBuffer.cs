using System.Runtime.InteropServices;

namespace RnnSimd.Kernels;

/// <summary>
/// Zeroed native memory aligned to 64 bytes (one cache line, one 512-bit vector), owned by one
/// object and freed deterministically by <see cref="Dispose"/> (or by the finalizer if forgotten).
/// Native so that the GC never moves or scans packed weights, and aligned so that panel loads
/// never split cache lines.
/// </summary>
internal sealed unsafe class AlignedBuffer : IDisposable
{
    public const int Alignment = 64;

    private float* _data;

    public AlignedBuffer(long length)
    {
        if (length < 0)
            throw new ArgumentOutOfRangeException(nameof(length), length, "Buffer length must not be negative.");
        Length = length;
        nuint bytes = (nuint)Math.Max(length, 1) * sizeof(float);
        if (bytes >= HugePages.MinimumBytes && HugePages.Supported)
        {
            // Whole huge pages, asked for before the first touch (see HugePages).
            bytes = HugePages.RoundUp(bytes);
            _data = (float*)NativeMemory.AlignedAlloc(bytes, HugePages.Size);
            HugePages.Advise(_data, bytes);
        }
        else
        {
            _data = (float*)NativeMemory.AlignedAlloc(bytes, Alignment);
        }
        NativeMemory.Clear(_data, bytes);
    }

    /// <summary>Floats in the buffer.</summary>
    public long Length { get; }

    /// <summary>The first float; valid until <see cref="Dispose"/>.</summary>
    public float* Pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(_data == null, this);
            return _data;
        }
    }

    public bool IsDisposed => _data == null;

    public Span<float> AsSpan() => new(Pointer, checked((int)Length));

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    ~AlignedBuffer() => Free();

    private void Free()
    {
        float* data = _data;
        _data = null;
        if (data != null)
            NativeMemory.AlignedFree(data);
    }
}
