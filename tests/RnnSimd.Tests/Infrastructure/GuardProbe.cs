namespace RnnSimd.Tests.Infrastructure;

/// <summary>
/// Proves a guard page kills the process, from a child copy of this test executable: the only way
/// to watch a SIGSEGV without losing the test run that watches it.
/// </summary>
/// <remarks>
/// The child is this same executable with <see cref="Variable"/> set (see <see cref="ChildProcess"/>).
/// </remarks>
public static unsafe class GuardProbe
{
    public const string Variable = "RNNSIMD_GUARD_PROBE";

    /// <summary>Printed (and flushed) right before the access, so a crash is known to be the probe's and not a startup failure.</summary>
    public const string Marker = "guard-probe: touching";

    public const int ProbeLength = 5;

    /// <summary>What the child touches.</summary>
    public enum Mode
    {
        /// <summary>The first and last floats of both placements: must survive (the control).</summary>
        Inside,
        ReadAfterEnd,
        WriteAfterEnd,
        ReadBeforeStart,
        WriteBeforeStart,
    }

    /// <summary>The child's work (<see cref="ChildProcess.RunProbeIfRequested"/>): touches as <see cref="Variable"/> says.</summary>
    internal static int Run(string requested) => Touch(Enum.Parse<Mode>(requested));

    private static int Touch(Mode mode)
    {
        using var end = new GuardedBuffer(ProbeLength, GuardSide.End);
        using var start = new GuardedBuffer(ProbeLength, GuardSide.Start);
        if (!end.IsGuarded)
            return 2;
        Console.Out.WriteLine(Marker);
        Console.Out.Flush();
        switch (mode)
        {
            case Mode.Inside:
                foreach (var b in new[] { end, start })
                {
                    Volatile.Write(ref b.Pointer[0], Volatile.Read(ref b.Pointer[0]) + 1);
                    Volatile.Write(ref b.Pointer[ProbeLength - 1], Volatile.Read(ref b.Pointer[ProbeLength - 1]) + 1);
                }
                break;
            case Mode.ReadAfterEnd: _ = Volatile.Read(ref end.Pointer[ProbeLength]); break;
            case Mode.WriteAfterEnd: Volatile.Write(ref end.Pointer[ProbeLength], 1f); break;
            case Mode.ReadBeforeStart: _ = Volatile.Read(ref start.Pointer[-1]); break;
            case Mode.WriteBeforeStart: Volatile.Write(ref start.Pointer[-1], 1f); break;
        }
        Console.Out.WriteLine("guard-probe: survived");
        Console.Out.Flush();
        return 0;
    }

    /// <summary>Runs a child probe and returns its exit code (128 + signal when a signal killed it) and output.</summary>
    public static (int ExitCode, string Stdout, string Stderr) RunChild(Mode mode, TimeSpan timeout)
        // A crash dump of a deliberate crash would only cost time and disk.
        => ChildProcess.Run(new Dictionary<string, string> { [Variable] = mode.ToString(), ["DOTNET_DbgEnableMiniDump"] = "0" },
            timeout, $"Guard probe {mode}");
}
