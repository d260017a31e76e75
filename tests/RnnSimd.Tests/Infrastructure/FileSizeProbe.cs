using System.Runtime.InteropServices;
using RnnSimd.IO;

namespace RnnSimd.Tests.Infrastructure;

/// <summary>
/// Writes a file past a file size limit, from a child copy of this test executable: the limit
/// (RLIMIT_FSIZE, which Linux enforces with EFBIG, as a file system does at its largest file) is
/// the process's, so it must not be set on the test run itself.
/// </summary>
public static partial class FileSizeProbe
{
    /// <summary>Set to the file the child writes.</summary>
    public const string Variable = "RNNSIMD_FILE_SIZE_PROBE";

    /// <summary>The limit: the file gets this far, then the write fails.</summary>
    public const long LimitBytes = 100_000;

    private const int RlimitFsize = 1;     // RLIMIT_FSIZE on x64 and ARM64 Linux
    private const int Sigxfsz = 25;        // SIGXFSZ, whose default action kills the process
    private static readonly nint SigIgn = 1;

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRLimit(int resource, in RLimit limit);

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint Signal(int signal, nint handler);

    /// <summary>The child's work (<see cref="ChildProcess.RunProbeIfRequested"/>): writes the file <see cref="Variable"/> names.</summary>
    internal static int Run(string path)
    {
        Signal(Sigxfsz, SigIgn);
        var limit = new RLimit { Current = LimitBytes, Maximum = LimitBytes };
        if (SetRLimit(RlimitFsize, limit) != 0)
        {
            Console.Out.WriteLine($"setrlimit failed: errno {Marshal.GetLastPInvokeError()}");
            return 2;
        }
        try
        {
            NpyFile.Write(path, [1 << 20], new float[1 << 20]);
            Console.Out.WriteLine("no error");
        }
        catch (TensorFileException e)
        {
            Console.Out.WriteLine($"problem: {e.Problem}");
        }
        catch (Exception e)
        {
            Console.Out.WriteLine($"other: {e.GetType().FullName}: {e.Message}");
        }
        Console.Out.WriteLine($"exists: {File.Exists(path)}");
        Console.Out.Flush();
        return 0;
    }

    /// <summary>Runs the child on <paramref name="path"/>; returns its exit code and output.</summary>
    public static (int ExitCode, string Stdout, string Stderr) RunChild(string path, TimeSpan timeout)
        // The runtime's write-xor-execute maps code through a file that the limit would also stop.
        => ChildProcess.Run(new Dictionary<string, string> { [Variable] = path, ["DOTNET_EnableWriteXorExecute"] = "0" },
            timeout, "File size probe");
}
