using System.CommandLine;
using RnnSimd.Cli;
using RnnSimd.IO;
using RnnSimd.Tests.IO;
using static RnnSimd.Tests.Cli.CliFiles;

namespace RnnSimd.Tests.Cli;

/// <summary>
/// Bad input is the normal case: problems found in the files or in how the options fit the model
/// exit with 1 and one line naming the file, key or option; command-line errors exit with 2 and the
/// usage; a bug exits with 3 and one line. A failed run never leaves an output file.
/// </summary>
public sealed class CliErrorTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _gru, _lstm, _elman, _x, _outDir;

    public CliErrorTests()
    {
        _gru = RecurrentModel(_dir, new RecurrentSpec(RecurrentCell.Gru, InputSize: 3, HiddenSize: 4, NumLayers: 2), seed: 1).Path;
        _lstm = RecurrentModel(_dir, new RecurrentSpec(RecurrentCell.Lstm, InputSize: 3, HiddenSize: 4, Bidirectional: true), seed: 2).Path;
        _elman = ElmanModel(_dir, x: 3, h: 4, y: 2, seed: 3).Path;
        _x = Npy(_dir, "x.npy", [5, 2, 3], Random(30, 4));
        _outDir = Path.Combine(_dir.Path, "out");
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>Runs, expects exit code 1 with one line holding every fragment, and checks that nothing was written.</summary>
    private string InputError(string[] args, params string[] fragments)
    {
        string line = Cli.FailsWithInputError(args, fragments);
        Assert.False(Directory.Exists(_outDir), $"A failed run created {_outDir}.");
        return line;
    }

    private string[] Run(string model, params string[] rest) => ["run", model, .. rest, "--out", _outDir];

    private string File(string name, int[] shape, int seed = 9) => Npy(_dir, name, shape, Random(shape.Aggregate(1, (a, b) => a * b), seed));

    [Fact]
    public void A_missing_model_file_is_named() =>
        InputError(Run(Path.Combine(_dir.Path, "nope.safetensors"), "--input", $"x={_x}"), "nope.safetensors: file not found.");

    [Fact]
    public void A_directory_given_for_a_file_is_called_one()
    {
        // .NET reports opening a directory as a file as access denied, even to root.
        string directory = Path.Combine(_dir.Path, "adirectory");
        Directory.CreateDirectory(directory);
        InputError(Run(directory, "--input", $"x={_x}"), "adirectory: is a directory, not a file.");
        InputError(Run(_gru, "--input", $"x={directory}"), "adirectory: is a directory, not a file.");
    }

    [Fact]
    public void A_malformed_model_file_is_named()
    {
        string garbage = Path.Combine(_dir.Path, "garbage.safetensors");
        System.IO.File.WriteAllBytes(garbage, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        InputError(Run(garbage, "--input", $"x={_x}"), "garbage.safetensors: ");
        InputError(Run(_x, "--input", $"x={_x}"), "x.npy: ", "not a safetensors file?");
    }

    [Fact]
    public void A_state_dict_of_something_else_is_named()
    {
        string other = Path.Combine(_dir.Path, "other.safetensors");
        SafetensorsFile.Write(other, [new SafetensorsTensor("conv.weight", [2, 2], new float[4]), new SafetensorsTensor("conv.bias", [2], new float[2])]);
        InputError(Run(other, "--input", $"x={_x}"), "other.safetensors: ", "not the state_dict of an nn.RNN, nn.GRU or nn.LSTM");
    }

    [Fact]
    public void A_mismatched_model_names_the_key_and_both_shapes()
    {
        string bad = Path.Combine(_dir.Path, "bad.safetensors");
        SafetensorsFile.Write(bad,
        [
            new SafetensorsTensor("W_xh", [3, 4], new float[12]), new SafetensorsTensor("W_hh", [4, 3], new float[12]),
            new SafetensorsTensor("b_h", [4], new float[4]), new SafetensorsTensor("W_hy", [4, 2], new float[8]), new SafetensorsTensor("b_y", [2], new float[2]),
        ]);
        InputError(Run(bad, "--input", $"x={_x}"), "bad.safetensors: tensor 'W_hh' has shape (4, 3); the reference Elman network (input 3, hidden 4, output 2) needs (4, 4).");
        string badGru = Path.Combine(_dir.Path, "badgru.safetensors");
        SafetensorsFile.Write(badGru, new RecurrentSpec(RecurrentCell.Gru, 3, 4).ParameterShapes()
            .Select(p => new SafetensorsTensor(p.Key, p.Key == "bias_hh_l0" ? [11] : p.Value, new float[p.Key == "bias_hh_l0" ? 11 : p.Value.Aggregate(1, (a, b) => a * b)])));
        InputError(Run(badGru, "--input", $"x={_x}"), "badgru.safetensors: tensor 'bias_hh_l0' has shape (11,)", "needs (12,)");
    }

    [Fact]
    public void A_missing_or_malformed_input_file_is_named()
    {
        InputError(Run(_gru, "--input", $"x={Path.Combine(_dir.Path, "missing.npy")}"), "missing.npy: file not found.");
        InputError(Run(_gru, "--input", $"x={_gru}"), "model1.safetensors: not an npy file");
        string truncated = Path.Combine(_dir.Path, "truncated.npy");
        System.IO.File.WriteAllBytes(truncated, System.IO.File.ReadAllBytes(_x)[..100]);
        InputError(Run(_gru, "--input", $"x={truncated}"), "truncated.npy: ");
    }

    [Fact]
    public void An_input_the_model_does_not_take_is_named()
    {
        InputError(Run(_gru, "--input", $"x={_x}", "--input", $"y={_x}"), $"--input y={_x}: the 2-layer GRU (input 3, hidden 4, bias) in {_gru} takes x, h0; it has no input 'y'.");
        InputError(Run(_gru, "--input", $"x={_x}", "--input", $"c0={_x}"), "--input c0=", "takes x, h0", "(c0 is for LSTM models)");
        InputError(Run(_elman, "--input", $"x={_x}", "--input", $"c0={_x}"), "the reference Elman network (input 3, hidden 4, output 2)", "takes x, h0");
    }

    [Fact]
    public void A_missing_x_is_named() =>
        InputError(Run(_lstm, "--input", $"h0={File("h0.npy", [2, 2, 4])}"), "--input x=FILE.npy is missing", "needs x as (T, B, 3)");

    [Fact]
    public void An_x_that_does_not_fit_is_named_with_its_shape()
    {
        InputError(Run(_gru, "--input", $"x={File("x4.npy", [5, 2, 4])}"), "x4.npy: x has shape (5, 2, 4); the 2-layer GRU", "takes x as (T, B, 3), or unbatched (T, 3).");
        InputError(Run(_gru, "--input", $"x={File("x4d.npy", [1, 5, 2, 3])}", "--batch-first"), "x4d.npy: x has shape (1, 5, 2, 3)", "(B, T, 3) with --batch-first");
        InputError(Run(_gru, "--input", $"x={File("x0.npy", [0, 2, 3])}"), "x0.npy: x has shape (0, 2, 3); T and B must be at least 1.");
        InputError(Run(_elman, "--input", $"x={File("x1d.npy", [3])}"), "x1d.npy: x has shape (3,)", "reference Elman network");
        string ints = Npy(_dir, "xint.npy", [5, 2, 3], new long[30]);
        InputError(Run(_gru, "--input", $"x={ints}"), "xint.npy: input x holds int64; inputs must be float32 or float64.");
    }

    /// <summary>
    /// The reference network keeps every step's h (T·B rows of H) for its output head: with a wide
    /// H and a one-float output, x and the output fit but that buffer does not. Bad input, in x's terms.
    /// </summary>
    [Fact]
    public void An_x_too_long_for_one_session_is_named_with_its_sizes()
    {
        string wide = ElmanModel(_dir, x: 1, h: 1000, y: 1, seed: 5).Path;
        string x = Npy(_dir, "long.npy", [3_000_000, 1, 1], new float[3_000_000]);
        InputError(Run(wide, "--input", $"x={x}"),
            "long.npy: too large for one session: T 3000000 × B 1 × hidden size 1000 floats do not fit in one buffer.");
    }

    [Fact]
    public void A_state_that_does_not_fit_is_named_with_both_shapes()
    {
        InputError(Run(_gru, "--input", $"x={_x}", "--input", $"h0={File("h0.npy", [1, 2, 4])}"),
            "h0.npy: h0 has shape (1, 2, 4); the 2-layer GRU (input 3, hidden 4, bias)", "with x (5, 2, 3) needs (2, 2, 4), that is (D·L, B, H_out).");
        InputError(Run(_lstm, "--input", $"x={_x}", "--input", $"c0={File("c0.npy", [2, 4])}"),
            "c0.npy: c0 has shape (2, 4)", "needs (2, 2, 4), that is (D·L, B, H).");
        // Unbatched x takes unbatched states; batch-first never changes them.
        InputError(Run(_lstm, "--input", $"x={File("xu.npy", [5, 3])}", "--input", $"h0={File("hb.npy", [2, 1, 4])}"),
            "hb.npy: h0 has shape (2, 1, 4)", "with x (5, 3) needs (2, 4), that is (D·L, H_out).");
        InputError(Run(_lstm, "--input", $"x={File("xbf.npy", [2, 5, 3])}", "--batch-first", "--input", $"h0={File("hbf.npy", [2, 5, 4])}"),
            "hbf.npy: h0 has shape (2, 5, 4)", "needs (2, 2, 4)");
        InputError(Run(_elman, "--input", $"x={_x}", "--input", $"h0={File("he.npy", [1, 2, 4])}"),
            "he.npy: h0 has shape (1, 2, 4); the reference Elman network", "needs (2, 4), that is (B, H).");
    }

    [Fact]
    public void An_option_the_model_does_not_have_is_named()
    {
        InputError(Run(_gru, "--input", $"x={_x}", "--nonlinearity", "tanh"), "--nonlinearity tanh: ", "holds a 2-layer GRU", "--nonlinearity is for nn.RNN models.");
        InputError(Run(_elman, "--input", $"x={_x}", "--nonlinearity", "relu"), "--nonlinearity relu: ", "the reference Elman network", "tanh only");
        string lengths = Npy(_dir, "len.npy", [2], new long[] { 5, 3 });
        InputError(Run(_elman, "--input", $"x={_x}", "--lengths", lengths), "--lengths ", "the reference Elman network", "takes no lengths");
    }

    [Fact]
    public void Lengths_that_do_not_fit_are_named()
    {
        InputError(Run(_gru, "--input", $"x={_x}", "--lengths", Npy(_dir, "l3.npy", [3], new long[] { 5, 3, 1 })),
            "l3.npy: --lengths has shape (3,)", "needs (2,), one length per sequence.");
        InputError(Run(_gru, "--input", $"x={_x}", "--lengths", Npy(_dir, "l0.npy", [2], new long[] { 5, 0 })), "l0.npy: --lengths[1] = 0 is outside 1..5");
        InputError(Run(_gru, "--input", $"x={_x}", "--lengths", NpyInt32(_dir, "l6.npy", [6, 1])), "l6.npy: --lengths[0] = 6 is outside 1..5");
        InputError(Run(_gru, "--input", $"x={_x}", "--lengths", File("lf.npy", [2])), "lf.npy: --lengths holds float32; lengths must be int32 or int64.");
        InputError(Run(_gru, "--input", $"x={File("xu.npy", [5, 3])}", "--lengths", Npy(_dir, "l1.npy", [1], new long[] { 5 })),
            "--lengths ", "x is unbatched, shape (5, 3)", "lengths apply to batched x only.");
    }

    [Fact]
    public void Command_line_errors_exit_with_2_and_the_usage()
    {
        string x = $"x={_x}";
        Cli.FailsWithUsageError(["run", _gru, "--input", x, "--out", _outDir, "--bogus"], "--bogus");
        Cli.FailsWithUsageError(["run", _gru, "--input", x], "--out");
        Cli.FailsWithUsageError(["run", _gru, "--out", _outDir], "--input");
        Cli.FailsWithUsageError(["run", "--input", x, "--out", _outDir]);
        Cli.FailsWithUsageError(["run", _gru, "--input", _x, "--out", _outDir], "is not NAME=FILE.npy");
        Cli.FailsWithUsageError(["run", _gru, "--input", "=x.npy", "--out", _outDir], "'=x.npy' is not NAME=FILE.npy");
        Cli.FailsWithUsageError(["run", _gru, "--input", "x=", "--out", _outDir], "'x=' is not NAME=FILE.npy");
        Cli.FailsWithUsageError(["run", _gru, "--input", x, "--input", x, "--out", _outDir], "--input x is given more than once.");
        Cli.FailsWithUsageError(["run", _gru, "--input", x, "--out", _outDir, "--nonlinearity", "sigmoid"], "sigmoid");
        Cli.FailsWithUsageError(["run", _gru, "--input", x, "--out", ""], "--out needs a directory name.");
        Cli.FailsWithUsageError(["run", "", "--input", x, "--out", _outDir], "MODEL needs a file name (got an empty string).");
        Cli.FailsWithUsageError([]);
        Cli.FailsWithUsageError(["frobnicate"], "frobnicate");
        Assert.False(Directory.Exists(_outDir));
    }

    [Fact]
    public void An_unexpected_exception_is_one_line_and_exit_code_3()
    {
        RootCommand Build()
        {
            RootCommand root = RnnSimdCommand.Build(interactive: false);
            var boom = new Command("boom");
            boom.SetAction(new Func<ParseResult, int>(_ => throw new InvalidOperationException("a bug\nover two lines")));
            root.Subcommands.Add(boom);
            return root;
        }
        var stdout = new StringWriter();
        var stderr = new StringWriter { NewLine = "\n" };
        Assert.Equal(ExitCodes.InternalError, RnnSimdCommand.Invoke(Build, ["boom"], stdout, stderr));
        Assert.Equal("internal error: System.InvalidOperationException: a bug over two lines\n", stderr.ToString());
        Assert.Empty(stdout.ToString());
    }

    [Fact]
    public void A_failed_run_leaves_the_files_already_in_the_directory_untouched()
    {
        Directory.CreateDirectory(_outDir);
        System.IO.File.WriteAllText(Path.Combine(_outDir, "output.npy"), "an earlier result");
        System.IO.File.WriteAllText(Path.Combine(_outDir, "notes.txt"), "mine");
        var before = Snapshot(_outDir);

        Cli.FailsWithInputError(Run(_gru, "--input", $"x={_x}", "--input", $"h0={File("h0.npy", [9])}"), "h0.npy: h0 has shape (9,)");
        Assert.Equal(before, Snapshot(_outDir));
    }

    [Fact]
    public void A_run_that_fails_while_writing_leaves_no_output_and_no_temporary_file()
    {
        // h_n.npy is a directory: output.npy is written to its temporary name first, then h_n.npy fails.
        Directory.CreateDirectory(Path.Combine(_outDir, "h_n.npy"));
        System.IO.File.WriteAllText(Path.Combine(_outDir, "output.npy"), "an earlier result");
        var before = Snapshot(_outDir);

        Cli.FailsWithInputError(Run(_gru, "--input", $"x={_x}"), "h_n.npy: a directory of that name is in the way of the output file.");
        Assert.Equal(before, Snapshot(_outDir));
    }

    [Fact]
    public void A_run_that_fails_before_writing_does_not_create_the_directory()
    {
        InputError(Run(_gru, "--input", $"x={File("bad.npy", [5, 2, 7])}"), "bad.npy: x has shape (5, 2, 7)");
        Assert.False(Directory.Exists(_outDir));
    }

    [Fact]
    public void An_output_directory_that_is_a_file_is_named()
    {
        System.IO.File.WriteAllText(_outDir, "a file");
        Cli.FailsWithInputError(Run(_gru, "--input", $"x={_x}"), $"--out {_outDir}: is a file, not a directory.");
        Assert.Equal("a file", System.IO.File.ReadAllText(_outDir));
        // Under a file: the file is what is in the way, not the directory holding it.
        string under = Path.Combine(_outDir, "sub", "out");
        Cli.FailsWithInputError(["run", _gru, "--input", $"x={_x}", "--out", under], $"--out {under}: {_outDir} is a file, not a directory.");
        // With a trailing separator the file itself is still what is in the way.
        Cli.FailsWithInputError(["run", _gru, "--input", $"x={_x}", "--out", _outDir + "/"], $"--out {_outDir}/: is a file, not a directory.");
        Assert.Equal("a file", System.IO.File.ReadAllText(_outDir));
    }

    /// <summary>/proc takes no files and no directories, even from root, and says "not found" when asked to.</summary>
    [Fact]
    public void An_output_directory_that_takes_no_files_is_named()
    {
        Assert.SkipUnless(Directory.Exists("/proc/self"), "/proc is Linux's.");
        Cli.FailsWithInputError(["run", _gru, "--input", $"x={_x}", "--out", "/proc/self"],
            "/proc/self/output.npy: cannot create the file: /proc/self takes no new files.");
        Cli.FailsWithInputError(["run", _gru, "--input", $"x={_x}", "--out", "/proc/rnnsimd-out"],
            "--out /proc/rnnsimd-out: cannot create the directory: /proc takes no new entries.");
        Cli.FailsWithInputError(["run", _gru, "--input", $"x={_x}", "--out", "/proc/rnnsimd/out"],
            "--out /proc/rnnsimd/out: cannot create the directory: /proc takes no new entries.");
    }
}
