using System.Runtime.InteropServices;

namespace RnnSimd.Tests.Infrastructure;

/// <summary>Which edge of a <see cref="GuardedBuffer"/>'s span touches an inaccessible page.</summary>
public enum GuardSide
{
    /// <summary>The float after the last one is on a PROT_NONE page: catches overruns.</summary>
    End,

    /// <summary>The float before the first one is on a PROT_NONE page: catches underruns.</summary>
    Start,
}

/// <summary>
/// Floats placed flush against an inaccessible page, so that touching one float past the guarded
/// edge kills the process (SIGSEGV) instead of silently reading a neighbour's memory.
/// </summary>
/// <remarks>
/// <para>Layout: [PROT_NONE page][data pages][PROT_NONE page]. Both guards always exist; the span
/// sits flush against one of them, and the page slack on the other side is filled with a sentinel
/// that <see cref="AssertSlackIntact"/> checks, so stray writes on the unguarded side are caught
/// too (stray reads there need the other placement, which is why tests run both).</para>
/// <para>One mapping can be re-placed (<see cref="Place"/>) for any length up to its capacity:
/// tests that sweep thousands of shapes reuse a few mappings instead of mapping pages per call.</para>
/// <para>Off Linux (or in a 32-bit process, where the mmap offset type differs) this falls back to
/// a pinned array with sentinel slack only; <see cref="IsGuarded"/> says which one you got. On
/// Linux x64/arm64 a failed mmap throws rather than degrade quietly.</para>
/// </remarks>
public sealed unsafe partial class GuardedBuffer : IDisposable
{
    /// <summary>A quiet NaN with a payload no kernel produces, so a stray store is never mistaken for it.</summary>
    private const int SentinelBits = 0x7FC0_DEAD;

    // Fallback slack per side: wider than any vector, so an overrun by a whole 512-bit vector still lands on sentinels.
    private const int FallbackSlack = 64;

    private const int ProtNone = 0;
    private const int ProtRead = 1;
    private const int ProtWrite = 2;
    private const int MapPrivate = 0x02;
    private const int MapAnonymous = 0x20; // same value on x64 and arm64 Linux

    private readonly int _pageSize;
    private readonly nuint _mappingBytes;
    private byte* _mapping;
    private float[]? _fallback;
    private readonly float* _data;
    private readonly int _dataFloats;

    /// <summary>Whether real guard pages back this process's buffers.</summary>
    public static bool GuardsSupported => OperatingSystem.IsLinux() && Environment.Is64BitProcess;

    /// <summary>A buffer of <paramref name="length"/> floats flush against the <paramref name="side"/> guard.</summary>
    /// <param name="capacity">The longest span a later <see cref="Place"/> may ask for (default: <paramref name="length"/>).</param>
    public GuardedBuffer(int length, GuardSide side = GuardSide.End, int capacity = -1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (capacity < 0)
            capacity = length;
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, length);
        Capacity = capacity;

        if (GuardsSupported)
        {
            _pageSize = Environment.SystemPageSize;
            nuint dataBytes = ((nuint)capacity * sizeof(float) + (nuint)_pageSize - 1) / (nuint)_pageSize * (nuint)_pageSize;
            _mappingBytes = dataBytes + 2 * (nuint)_pageSize;
            nint mapping = mmap(0, _mappingBytes, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
            if (mapping == -1)
                throw new InvalidOperationException($"mmap of {_mappingBytes} bytes failed: errno {Marshal.GetLastPInvokeError()}.");
            _mapping = (byte*)mapping;
            Protect(_mapping, (nuint)_pageSize);
            Protect(_mapping + _pageSize + dataBytes, (nuint)_pageSize);
            _data = (float*)(_mapping + _pageSize);
            _dataFloats = (int)(dataBytes / sizeof(float));
            IsGuarded = true;
        }
        else
        {
            _fallback = GC.AllocateArray<float>(capacity + 2 * FallbackSlack, pinned: true);
            _data = (float*)Marshal.UnsafeAddrOfPinnedArrayElement(_fallback, 0);
            _dataFloats = _fallback.Length;
        }
        Place(length, side);
    }

    /// <summary>True when the edges are real PROT_NONE pages; false for the array fallback.</summary>
    public bool IsGuarded { get; }

    public int Capacity { get; }

    public int Length { get; private set; }

    public GuardSide Side { get; private set; }

    /// <summary>The first float of the span (for a zero-length span, the guarded boundary itself).</summary>
    public float* Pointer { get; private set; }

    public Span<float> Span
    {
        get
        {
            ObjectDisposedException.ThrowIf(_mapping == null && _fallback == null, this);
            return new Span<float>(Pointer, Length);
        }
    }

    /// <summary>Moves the span to <paramref name="length"/> floats flush against <paramref name="side"/> and refills the slack with the sentinel.</summary>
    /// <remarks>The span's own contents are left as sentinels too: callers fill what they use.</remarks>
    public void Place(int length, GuardSide side)
    {
        ObjectDisposedException.ThrowIf(_mapping == null && _fallback == null, this);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Capacity);
        int first = IsGuarded
            ? (side == GuardSide.End ? _dataFloats - length : 0)
            : (side == GuardSide.End ? FallbackSlack + Capacity - length : FallbackSlack);
        Length = length;
        Side = side;
        Pointer = _data + first;
        MemoryMarshal.Cast<float, int>(new Span<float>(_data, _dataFloats)).Fill(SentinelBits);
    }

    /// <summary>Throws if anything outside the span but inside the mapping was written since <see cref="Place"/>.</summary>
    public void AssertSlackIntact()
    {
        var all = MemoryMarshal.Cast<float, int>(new ReadOnlySpan<float>(_data, _dataFloats));
        int first = (int)(Pointer - _data);
        int before = all[..first].IndexOfAnyExcept(SentinelBits);
        if (before >= 0)
            throw new Xunit.Sdk.XunitException(
                $"A float {first - before} before the start of a {Length}-float span ({Side}-guarded) was overwritten.");
        int after = all[(first + Length)..].IndexOfAnyExcept(SentinelBits);
        if (after >= 0)
            throw new Xunit.Sdk.XunitException(
                $"The float at offset {after} past the end of a {Length}-float span ({Side}-guarded) was overwritten.");
    }

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    ~GuardedBuffer() => Free();

    private void Free()
    {
        byte* mapping = _mapping;
        _mapping = null;
        _fallback = null;
        if (mapping != null)
            _ = munmap((nint)mapping, _mappingBytes);
    }

    private static void Protect(byte* page, nuint bytes)
    {
        if (mprotect((nint)page, bytes, ProtNone) != 0)
            throw new InvalidOperationException($"mprotect(PROT_NONE) failed: errno {Marshal.GetLastPInvokeError()}.");
    }

    // off_t is 64-bit on every 64-bit Linux ABI; GuardsSupported excludes 32-bit processes.
    [LibraryImport("libc", SetLastError = true)]
    private static partial nint mmap(nint addr, nuint length, int prot, int flags, int fd, long offset);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int mprotect(nint addr, nuint length, int prot);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int munmap(nint addr, nuint length);
}
