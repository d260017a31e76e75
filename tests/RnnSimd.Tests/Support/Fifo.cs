using System.Runtime.InteropServices;

namespace RnnSimd.Tests.Support;

/// <summary>Named pipes for tests of files that are not regular files (.NET has no mkfifo).</summary>
public static partial class Fifo
{
    [LibraryImport("libc", EntryPoint = "mkfifo", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int MakeFifo(string path, uint mode);

    /// <summary>Creates a FIFO readable and writable by its owner; call only on Linux.</summary>
    public static void Create(string path) =>
        Assert.True(MakeFifo(path, Convert.ToUInt32("600", 8)) == 0, $"mkfifo {path} failed: errno {Marshal.GetLastPInvokeError()}");
}
