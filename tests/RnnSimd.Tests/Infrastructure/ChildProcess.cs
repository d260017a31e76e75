using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace RnnSimd.Tests.Infrastructure;

/// <summary>
/// Runs a child copy of this test executable with some environment variables set, for probes that
/// must watch a whole process: a crash (<see cref="GuardProbe"/>) or everything the JIT compiles
/// (<see cref="WarmUpProbe"/>), or a process-wide limit (<see cref="FileSizeProbe"/>). The child
/// is this same executable with a probe's variable set: a module initializer runs the probe and
/// exits before xUnit's generated entry point, so the probe needs no hook into that entry point
/// and starts in a fraction of the time `dotnet` with a script would take.
/// </summary>
public static class ChildProcess
{
#pragma warning disable CA2255 // deliberate: a probe must run before the test framework's entry point
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void RunProbeIfRequested()
    {
        (string Variable, Func<string, int> Run)[] probes =
        [
            (GuardProbe.Variable, GuardProbe.Run),
            (WarmUpProbe.Variable, WarmUpProbe.Run),
            (FileSizeProbe.Variable, FileSizeProbe.Run),
        ];
        foreach (var (variable, run) in probes)
        {
            string? requested = Environment.GetEnvironmentVariable(variable);
            if (!string.IsNullOrEmpty(requested))
                Environment.Exit(run(requested));
        }
    }

    /// <summary>Runs the child and returns its exit code (128 + signal when a signal killed it) and output.</summary>
    /// <param name="what">Names the probe in a timeout's message.</param>
    public static (int ExitCode, string Stdout, string Stderr) Run(IReadOnlyDictionary<string, string> environment, TimeSpan timeout, string what)
    {
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("No process path.");
        // Under user-mode emulation (the ARM64 CI run) the kernel cannot exec the foreign binary
        // itself: RNNSIMD_EMULATOR names the emulator command line to put in front of it.
        string[] emulator = (Environment.GetEnvironmentVariable("RNNSIMD_EMULATOR") ?? "")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var start = new ProcessStartInfo(emulator.Length > 0 ? emulator[0] : host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (emulator.Length > 0)
        {
            foreach (string argument in emulator.Skip(1))
                start.ArgumentList.Add(argument);
            start.ArgumentList.Add(host);
        }
        // Run through `dotnet x.dll` (e.g. under some runners): hand the test assembly to the same host.
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            start.ArgumentList.Add(Assembly.GetExecutingAssembly().Location);
        foreach (var (name, value) in environment)
            start.Environment[name] = value;

        using var child = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {host}.");
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        if (!child.WaitForExit(timeout))
        {
            child.Kill();
            throw new TimeoutException($"{what} did not finish within {timeout}.");
        }
        child.WaitForExit();
        return (child.ExitCode, stdout.Result, stderr.Result);
    }
}
