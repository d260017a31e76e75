using System.Runtime.InteropServices;

namespace RnnSimd.Kernels;

/// <summary>
/// Transparent huge pages for large packed weights, on Linux.
/// </summary>
/// <remarks>
/// A batch-1 step streams W_hh from L2, which is physically indexed. With 4 KiB pages the physical
/// frames of a 1 MiB matrix land in the cache's sets unevenly, differently in every process: some
/// sets get more lines than they have ways and those lines miss on every step. Measured on a
/// Zen 5 core (1 MiB L2) before this: GRU S3 ran at 0.73 ms in one process and 1.5 ms in the
/// next. A 2 MiB huge page is physically contiguous, so the matrix covers the sets evenly (and
/// needs one TLB entry instead of 256). Linux grants them to regions advised with MADV_HUGEPAGE
/// when transparent huge pages are in "madvise" mode (the default of many distributions); the
/// cost is rounding each large buffer up to whole 2 MiB pages. Where the advice fails or is not
/// available, the buffer is used with normal pages.
/// </remarks>
internal static unsafe partial class HugePages
{
    /// <summary>The x64 and ARM64 Linux huge page: 2 MiB.</summary>
    public const nuint Size = 2 * 1024 * 1024;

    /// <summary>Buffers from this size on are placed on huge pages (rounding up costs at most 4× for a 512 KiB buffer, less than 2× from 1 MiB on).</summary>
    public const nuint MinimumBytes = 512 * 1024;

    private const int MadviseHugePage = 14;

    /// <summary>
    /// Linux with transparent huge pages in "always" or "madvise" mode, unless RNNSIMD_HUGE_PAGES=0
    /// (for hosts short of memory: the rounding up costs up to 2 MiB per large matrix). Elsewhere
    /// (other systems, transparent huge pages off) nothing is rounded up; where this is true, large
    /// buffers are rounded up whether or not the kernel then grants the pages.
    /// </summary>
    public static bool Supported { get; } = Detect();

    private static bool Detect()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("RNNSIMD_HUGE_PAGES") == "0")
            return false;
        try
        {
            string mode = File.ReadAllText("/sys/kernel/mm/transparent_hugepage/enabled");
            return mode.Contains("[always]", StringComparison.Ordinal) || mode.Contains("[madvise]", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static nuint RoundUp(nuint bytes) => (bytes + Size - 1) / Size * Size;

    /// <summary>Asks for huge pages for [<paramref name="address"/>, +<paramref name="bytes"/>); a refusal is not an error.</summary>
    public static void Advise(void* address, nuint bytes)
    {
        try
        {
            _ = Madvise(address, bytes, MadviseHugePage);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // No libc madvise here: normal pages.
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(void* address, nuint length, int advice);
}
