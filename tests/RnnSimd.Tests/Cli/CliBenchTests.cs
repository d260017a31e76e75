using System.Text.Json;
using RnnSimd.Tests.IO;
using RnnSimd.Tests.Support;

namespace RnnSimd.Tests.Cli;

/// <summary>
/// rnnsimd bench on tiny shapes with a short time box: the table, the JSON figures and their
/// relations, and the option errors. Serial: timings are meaningless beside other tests, and these
/// must not slow the others down.
/// </summary>
[Collection(nameof(SerialCollection))]
public class CliBenchTests
{
    [Fact]
    public void A_custom_shape_writes_the_table_and_the_json_figures()
    {
        using var dir = new TempDirectory();
        string json = Path.Combine(dir.Path, "bench.json");
        CliResult r = Cli.Run("bench", "--cell", "lstm", "--seq-len", "3", "--batch", "2", "--input-size", "5", "--hidden-size", "7",
            "--budget", "0.05", "--json", json);
        Assert.True(r.ExitCode == 0, r.ToString());

        string[] lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith($"rnnsimd bench: LSTM, 1 layer, 1 thread, path {Isa.Best} ({KernelRegistry.Selected.Gemm})", lines[0]);
        Assert.Matches(@"^shape\s+T\s+B\s+X\s+H\s+median\s+steps/s\s+seq/s\s+GFLOP/s", lines[1]);
        Assert.Matches(@"^custom\s+3\s+2\s+5\s+7\s+", lines[2]);
        Assert.StartsWith("median: ", lines[^1]);
        Assert.Equal(4, lines.Length);
        Assert.EndsWith($"wrote {json}\n", r.Stderr);
        Assert.Contains("bench custom (1/1): T3 B2 X5 H7", r.Stderr);

        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement root = document.RootElement;
        Assert.Equal("rnnsimd-bench/1", root.GetProperty("schema").GetString());
        Assert.Equal(Isa.Best.ToString(), root.GetProperty("simdPath").GetString());
        Assert.Equal(KernelRegistry.Selected.Gemm, root.GetProperty("kernels").GetProperty("gemm").GetString());
        Assert.Equal("lstm", root.GetProperty("cell").GetString());
        Assert.Equal(4, root.GetProperty("gates").GetInt32());
        Assert.Equal(1, root.GetProperty("threads").GetInt32());
        Assert.Equal(Environment.ProcessorCount, root.GetProperty("processorCount").GetInt32());
        JsonElement result = Assert.Single(root.GetProperty("results").EnumerateArray());
        Assert.Equal("custom", result.GetProperty("shape").GetString());
        Assert.Equal((3, 2, 5, 7), (result.GetProperty("seqLen").GetInt32(), result.GetProperty("batch").GetInt32(),
            result.GetProperty("inputSize").GetInt32(), result.GetProperty("hiddenSize").GetInt32()));
        double median = result.GetProperty("medianSeconds").GetDouble();
        Assert.InRange(median, result.GetProperty("minSeconds").GetDouble(), result.GetProperty("maxSeconds").GetDouble());
        Assert.True(median > 0);
        Assert.Equal(2.0 * 3 * 2 * 4 * 7 * (5 + 7), result.GetProperty("flopsPerCall").GetDouble());
        Assert.Equal(2.0 * 3 * 2 * 4 * 7 * (5 + 7) / median / 1e9, result.GetProperty("gflopsPerSecond").GetDouble(), 1e-9);
        Assert.Equal(3 * 2 / median, result.GetProperty("stepsPerSecond").GetDouble(), 1e-6);
        Assert.Equal(2 / median, result.GetProperty("sequencesPerSecond").GetDouble(), 1e-6);
        Assert.InRange(result.GetProperty("repetitions").GetInt32(), 3, 15);
        Assert.True(result.GetProperty("callsPerRepetition").GetInt32() >= 1);
        Assert.Equal(0, result.GetProperty("allocatedBytesPerCall").GetDouble());
        Assert.Equal(0, result.GetProperty("callsRunAlone").GetInt64()); // one thread: never
    }

    [Fact]
    public void A_standard_shape_runs_alone_on_threads()
    {
        CliResult r = Cli.Run("bench", "--shape", "s1", "--threads", "2", "--budget", "0.05");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("RNN (tanh), 1 layer, 2 threads", r.Stdout);
        Assert.Matches(@"\nS1\s+1\s+1\s+64\s+128\s+", r.Stdout);
        Assert.DoesNotContain("S2", r.Stdout);
    }

    /// <summary>A directory that takes no file (here /proc, which refuses even root) is found before any timing.</summary>
    [Fact]
    public void An_unwritable_json_directory_fails_before_timing()
    {
        Assert.SkipUnless(Directory.Exists("/proc"), "/proc is Linux's.");
        CliResult r = Cli.Run("bench", "--shape", "S1", "--budget", "0.05", "--json", "/proc/bench.json");
        Assert.True(r.ExitCode == RnnSimd.Cli.ExitCodes.InputError, r.ToString());
        Assert.Equal("error: --json /proc/bench.json: cannot create a file in /proc: the directory takes no new files.\n", r.Stderr);
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public void Option_errors_exit_with_2_and_a_json_file_in_no_directory_with_1()
    {
        Cli.FailsWithUsageError(["bench", "--shape", "S1", "--seq-len", "4"], "--shape cannot be combined with --seq-len");
        Cli.FailsWithUsageError(["bench", "--seq-len", "4", "--batch", "1"], "missing --input-size, --hidden-size");
        Cli.FailsWithUsageError(["bench", "--shape", "S9"], "S9");
        Cli.FailsWithUsageError(["bench", "--cell", "transformer"], "transformer");
        Cli.FailsWithUsageError(["bench", "--threads", "0"], "--threads must be a whole number from 1 to 256 (got '0').");
        Cli.FailsWithUsageError(["bench", "--threads", "300"], "--threads must be a whole number from 1 to 256 (got '300').");
        Cli.FailsWithUsageError(["bench", "--budget", "soon"], "--budget must be a number of seconds");
        using var dir = new TempDirectory();
        string missing = Path.Combine(dir.Path, "no", "such", "dir", "b.json");
        Cli.FailsWithInputError(["bench", "--shape", "S1", "--json", missing], $"--json {missing}: directory ", "does not exist.");
        Cli.FailsWithInputError(["bench", "--shape", "S1", "--json", dir.Path], "is a directory; give a file name.");
        File.WriteAllText(Path.Combine(dir.Path, "file"), "");
        Cli.FailsWithInputError(["bench", "--shape", "S1", "--json", Path.Combine(dir.Path, "file", "b.json")],
            $"--json {Path.Combine(dir.Path, "file", "b.json")}: {Path.Combine(dir.Path, "file")} is a file, not a directory.");
        Cli.FailsWithInputError(["bench", "--shape", "S1", "--json", Path.Combine(dir.Path, "file") + "/"],
            $"--json {Path.Combine(dir.Path, "file")}/: {Path.Combine(dir.Path, "file")} is a file, not a directory; give a file name.");
        Cli.FailsWithInputError(["bench", "--shape", "S1", "--json", Path.Combine(dir.Path, "new") + "/"], "ends in a separator; give a file name.");
    }

    /// <summary>Well-formed sizes the engine cannot hold are the input's problem: exit 1, one line, no usage.</summary>
    [Fact]
    public void Sizes_too_large_for_the_engine_exit_with_1()
    {
        Cli.FailsWithInputError(["bench", "--seq-len", "100000", "--batch", "100000", "--input-size", "8", "--hidden-size", "8"], "more elements than .NET holds");
        // The output, 4·10⁸ steps of 8 floats: gates are not kept for every step, so 3·8 does not count.
        Cli.FailsWithInputError(["bench", "--cell", "gru", "--seq-len", "400000000", "--batch", "1", "--input-size", "1", "--hidden-size", "8"],
            "shape T400000000 B1 X1 H8 needs arrays of more elements than .NET holds (3200000000).");
        Cli.FailsWithInputError(["bench", "--seq-len", "1", "--batch", "1", "--input-size", "70000000", "--hidden-size", "1"],
            "shape T1 B1 X70000000 H1: --hidden-size 1 with --input-size 70000000: a weight matrix, its gates padded to whole panels of 32 units");
        Cli.FailsWithInputError(["bench", "--seq-len", "1", "--batch", "1", "--input-size", "1", "--hidden-size", "2147483647"],
            "shape T1 B1 X1 H2147483647: --hidden-size 2147483647 with --input-size 1");
    }
}

/// <summary>rnnsimd info: what .NET sees and what RnnSimd chose.</summary>
public class CliInfoTests
{
    [Fact]
    public void Info_shows_the_instruction_sets_the_path_and_the_versions()
    {
        CliResult r = Cli.Succeeds("info");
        Assert.Contains($"RnnSimd path {Isa.Best} (Isa.Best)", r.Stdout);
        Assert.Contains(KernelRegistry.Selected.Gemm, r.Stdout);
        Assert.Contains($"processors   {Environment.ProcessorCount} (Environment.ProcessorCount)", r.Stdout);
        Assert.Contains($"Vector512 {(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "yes" : "no")}", r.Stdout);
        Assert.Contains($"Avx2 {(System.Runtime.Intrinsics.X86.Avx2.IsSupported ? "yes" : "no")}", r.Stdout);
        Assert.Contains($"AdvSimd {(System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported ? "yes" : "no")}", r.Stdout);
        Assert.Contains(System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription, r.Stdout);
        string? version = typeof(Isa).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion;
        Assert.Contains($"RnnSimd      {version}", r.Stdout);
    }
}
