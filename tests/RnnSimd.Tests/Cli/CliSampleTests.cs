using RnnSimd.Cli;
using RnnSimd.Tests.IO;

namespace RnnSimd.Tests.Cli;

/// <summary>
/// The sample in samples/lstm is what <c>rnnsimd make-sample</c> writes, and README's commands run
/// on it. Skipped where the repository is not beside the test binary (the published ARM64 run).
/// </summary>
public class CliSampleTests
{
    private const string RunCommand = "dotnet run -c Release --project src/RnnSimd.Cli -- run samples/lstm/model.safetensors --input x=samples/lstm/x.npy --out out";
    private const string BenchCommand = "dotnet run -c Release --project src/RnnSimd.Cli -- bench";
    private const string TestCommand = "dotnet test tests/RnnSimd.Tests -c Release";

    private static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RnnSimd.sln")))
                return dir.FullName;
        return null;
    }

    [Fact]
    public void The_committed_sample_is_what_make_sample_writes()
    {
        string? root = RepositoryRoot();
        Assert.SkipWhen(root is null, "The repository is not beside the test binary (published run).");
        using var dir = new TempDirectory();
        CliResult r = Cli.Succeeds("make-sample", dir.Path);
        Assert.Single(r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        foreach (string file in new[] { "model.safetensors", "x.npy" })
            Assert.True(File.ReadAllBytes(Path.Combine(root!, "samples", "lstm", file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dir.Path, file))),
                $"samples/lstm/{file} differs from what make-sample writes; regenerate it (docs/cli.md).");
        Assert.Equal(["model.safetensors", "x.npy"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Make_sample_names_a_file_in_the_way_and_refuses_an_empty_name()
    {
        using var dir = new TempDirectory();
        string file = Path.Combine(dir.Path, "file");
        File.WriteAllText(file, "x");
        Cli.FailsWithInputError(["make-sample", Path.Combine(file, "d")], $"{Path.Combine(file, "d")}: {file} is a file, not a directory.");
        Cli.FailsWithInputError(["make-sample", file], $"{file}: is a file, not a directory.");
        // A hidden command: exit 2 like any command-line error, without a usage to show.
        CliResult empty = Cli.Run("make-sample", "");
        Assert.True(empty.ExitCode == ExitCodes.UsageError, empty.ToString());
        Assert.Contains("DIR needs a directory name (got an empty string).", empty.Stderr);
        Assert.Equal("x", File.ReadAllText(file));
    }

    [Fact]
    public void READMEs_run_command_works_on_the_sample()
    {
        string? root = RepositoryRoot();
        Assert.SkipWhen(root is null, "The repository is not beside the test binary (published run).");
        using var dir = new TempDirectory();
        string outDir = Path.Combine(dir.Path, "out");
        CliResult r = Cli.Succeeds("run", Path.Combine(root!, "samples", "lstm", "model.safetensors"),
            "--input", $"x={Path.Combine(root!, "samples", "lstm", "x.npy")}", "--out", outDir);
        Assert.Contains("2-layer LSTM (input 4, hidden 8, bias)", r.Stdout);
        Assert.Equal([12, 2, 8], CliFiles.Output(outDir, "output.npy").Shape);
        Assert.Equal([2, 2, 8], CliFiles.Output(outDir, "h_n.npy").Shape);
        Assert.Equal([2, 2, 8], CliFiles.Output(outDir, "c_n.npy").Shape);
    }

    [Fact]
    public void README_shows_the_commands_tested_here()
    {
        string? root = RepositoryRoot();
        Assert.SkipWhen(root is null, "The repository is not beside the test binary (published run).");
        string readme = File.ReadAllText(Path.Combine(root!, "README.md"));
        foreach (string command in new[] { RunCommand, BenchCommand, TestCommand })
            Assert.Contains("    " + command + "\n", readme);
    }
}
