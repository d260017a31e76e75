using RnnSimd.Cli;

namespace RnnSimd.Tests.Cli;

/// <summary>What one rnnsimd invocation did.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() => $"exit code {ExitCode}\n--- stdout:\n{Stdout}\n--- stderr:\n{Stderr}";
}

/// <summary>Runs the rnnsimd command in-process through its entry point, with stdout and stderr captured.</summary>
public static class Cli
{
    public static CliResult Run(params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int code = RnnSimdCommand.Run(args, stdout, stderr);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Exit code 0, nothing on stderr, at most one line on stdout.</summary>
    public static CliResult Succeeds(params string[] args)
    {
        CliResult r = Run(args);
        Assert.True(r.ExitCode == ExitCodes.Success && r.Stderr.Length == 0, r.ToString());
        return r;
    }

    /// <summary>
    /// Exit code 1 and exactly one line on stderr, "error: ..." with every fragment in it; nothing
    /// on stdout. Returns the line.
    /// </summary>
    public static string FailsWithInputError(string[] args, params string[] fragments)
    {
        CliResult r = Run(args);
        Assert.True(r.ExitCode == ExitCodes.InputError, r.ToString());
        Assert.True(r.Stdout.Length == 0, r.ToString());
        Assert.True(r.Stderr.EndsWith('\n') && r.Stderr.IndexOf('\n') == r.Stderr.Length - 1, $"Expected one line on stderr:\n{r}");
        Assert.StartsWith("error: ", r.Stderr);
        foreach (string fragment in fragments)
            Assert.True(r.Stderr.Contains(fragment, StringComparison.Ordinal), $"stderr lacks \"{fragment}\":\n{r}");
        return r.Stderr.TrimEnd('\n');
    }

    /// <summary>Exit code 2, the error and the usage on stderr, nothing on stdout.</summary>
    public static CliResult FailsWithUsageError(string[] args, params string[] fragments)
    {
        CliResult r = Run(args);
        Assert.True(r.ExitCode == ExitCodes.UsageError, r.ToString());
        Assert.True(r.Stdout.Length == 0, r.ToString());
        Assert.Contains("Usage:", r.Stderr);
        foreach (string fragment in fragments)
            Assert.True(r.Stderr.Contains(fragment, StringComparison.Ordinal), $"stderr lacks \"{fragment}\":\n{r}");
        return r;
    }
}
