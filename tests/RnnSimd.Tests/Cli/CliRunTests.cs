using RnnSimd.IO;
using RnnSimd.Tests.IO;
using static RnnSimd.Tests.Cli.CliFiles;

namespace RnnSimd.Tests.Cli;

/// <summary>
/// rnnsimd run, end to end on files written here: the results are the library's, bit for bit, in
/// PyTorch's shapes, including the corners users trip on (batch-first, unbatched, lengths, float64).
/// </summary>
public class CliRunTests
{
    /// <summary>The library's own forward on the same data (time-major unless <paramref name="batchFirst"/>).</summary>
    private static (float[] Output, float[] Hn, float[] Cn) Library(RecurrentSpec spec, Dictionary<string, float[]> parameters,
        float[] x, int steps, int batch, float[]? h0 = null, float[]? c0 = null, int[]? lengths = null, bool batchFirst = false)
    {
        using var network = RecurrentNetwork.Create(spec, parameters);
        using var session = network.CreateSession(steps, batch);
        var output = new float[steps * batch * spec.OutputSize];
        var hn = new float[spec.StateCount * batch * spec.HiddenOutputSize];
        var cn = spec.HasCellState ? new float[spec.StateCount * batch * spec.HiddenSize] : [];
        session.Forward(x, steps, batch, output, hn, cn, h0, c0, lengths, batchFirst);
        return (output, hn, cn);
    }

    [Fact]
    public void An_LSTM_with_projection_gives_the_library_results_in_PyTorch_shapes()
    {
        using var dir = new TempDirectory();
        var spec = new RecurrentSpec(RecurrentCell.Lstm, InputSize: 3, HiddenSize: 5, NumLayers: 2, Bidirectional: true, ProjSize: 3);
        (string model, var parameters) = RecurrentModel(dir, spec, seed: 1, prefix: "encoder.lstm.");
        const int T = 4, B = 2;
        float[] x = Random(T * B * 3, 2), h0 = Random(4 * B * 3, 3), c0 = Random(4 * B * 5, 4);
        string outDir = Path.Combine(dir.Path, "out");

        CliResult r = Cli.Succeeds("run", model, "--input", $"x={Npy(dir, "x.npy", [T, B, 3], x)}",
            "-i", $"h0={Npy(dir, "h0.npy", [4, B, 3], h0)}", "--input", $"c0={Npy(dir, "c0.npy", [4, B, 5], c0)}", "--out", outDir);

        var expected = Library(spec, parameters, x, T, B, h0, c0);
        AssertOutput([T, B, 6], expected.Output, outDir, "output.npy");
        AssertOutput([4, B, 3], expected.Hn, outDir, "h_n.npy");
        AssertOutput([4, B, 5], expected.Cn, outDir, "c_n.npy");
        Assert.Single(r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("2-layer bidirectional LSTM (input 3, hidden 5, proj 3, bias)", r.Stdout);
        Assert.Contains("c_n.npy (4, 2, 5)", r.Stdout);
    }

    [Fact]
    public void Batch_first_changes_x_and_output_only()
    {
        using var dir = new TempDirectory();
        var spec = new RecurrentSpec(RecurrentCell.Gru, InputSize: 4, HiddenSize: 3, NumLayers: 2, Bidirectional: true);
        (string model, var parameters) = RecurrentModel(dir, spec, seed: 5);
        const int T = 5, B = 3;
        float[] x = Random(T * B * 4, 6), h0 = Random(4 * B * 3, 7);
        string h0File = Npy(dir, "h0.npy", [4, B, 3], h0);
        string timeMajor = Path.Combine(dir.Path, "tm"), batchFirst = Path.Combine(dir.Path, "bf");

        Cli.Succeeds("run", model, "--input", $"x={Npy(dir, "x.npy", [T, B, 4], x)}", "--input", $"h0={h0File}", "--out", timeMajor);
        Cli.Succeeds("run", model, "--input", $"x={Npy(dir, "xbf.npy", [B, T, 4], Transpose(x, T, B, 4))}", "--input", $"h0={h0File}",
            "--out", batchFirst, "--batch-first");

        var expected = Library(spec, parameters, x, T, B, h0);
        AssertOutput([T, B, 6], expected.Output, timeMajor, "output.npy");
        AssertOutput([B, T, 6], Transpose(expected.Output, T, B, 6), batchFirst, "output.npy");
        AssertOutput([4, B, 3], expected.Hn, timeMajor, "h_n.npy");
        AssertOutput([4, B, 3], expected.Hn, batchFirst, "h_n.npy");
        Assert.False(File.Exists(Path.Combine(batchFirst, "c_n.npy")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Unbatched_x_gives_unbatched_outputs_and_states(bool batchFirstFlag)
    {
        using var dir = new TempDirectory();
        var spec = new RecurrentSpec(RecurrentCell.Lstm, InputSize: 3, HiddenSize: 4, NumLayers: 2, Bidirectional: true);
        (string model, var parameters) = RecurrentModel(dir, spec, seed: 8);
        const int T = 6;
        float[] x = Random(T * 3, 9), h0 = Random(4 * 4, 10), c0 = Random(4 * 4, 11);
        string outDir = Path.Combine(dir.Path, "out");
        string[] args = ["run", model, "--input", $"x={Npy(dir, "x.npy", [T, 3], x)}", "--input", $"h0={Npy(dir, "h0.npy", [4, 4], h0)}",
            "--input", $"c0={Npy(dir, "c0.npy", [4, 4], c0)}", "--out", outDir];
        Cli.Succeeds(batchFirstFlag ? [.. args, "--batch-first"] : args);

        // PyTorch runs unbatched input as a batch of one and squeezes the batch dimension away.
        var expected = Library(spec, parameters, x, T, 1, h0, c0);
        AssertOutput([T, 8], expected.Output, outDir, "output.npy");
        AssertOutput([4, 4], expected.Hn, outDir, "h_n.npy");
        AssertOutput([4, 4], expected.Cn, outDir, "c_n.npy");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Lengths_as_int32_or_int64_mask_each_sequence(bool batchFirst)
    {
        using var dir = new TempDirectory();
        var spec = new RecurrentSpec(RecurrentCell.Rnn, InputSize: 3, HiddenSize: 4, Bidirectional: true, Nonlinearity: Nonlinearity.Relu);
        (string model, var parameters) = RecurrentModel(dir, spec, seed: 12);
        const int T = 5, B = 3;
        int[] lengths = [3, 5, 1];
        float[] x = Random(T * B * 3, 13);
        string xFile = batchFirst ? Npy(dir, "x.npy", [B, T, 3], Transpose(x, T, B, 3)) : Npy(dir, "x.npy", [T, B, 3], x);
        string out32 = Path.Combine(dir.Path, "out32"), out64 = Path.Combine(dir.Path, "out64");
        string[] common = ["run", model, "--input", $"x={xFile}", "--nonlinearity", "relu", .. batchFirst ? new[] { "--batch-first" } : []];

        Cli.Succeeds([.. common, "--lengths", NpyInt32(dir, "len32.npy", lengths), "--out", out32]);
        Cli.Succeeds([.. common, "--lengths", Npy(dir, "len64.npy", [B], lengths.Select(v => (long)v).ToArray()), "--out", out64]);

        var expected = Library(spec, parameters, x, T, B, lengths: lengths);
        float[] output = batchFirst ? Transpose(expected.Output, T, B, 8) : expected.Output;
        int[] outputShape = batchFirst ? [B, T, 8] : [T, B, 8];
        foreach (string outDir in new[] { out32, out64 })
        {
            AssertOutput(outputShape, output, outDir, "output.npy");
            AssertOutput([2, B, 4], expected.Hn, outDir, "h_n.npy");
        }
        // Past its length a sequence's output is zero: sequence 2 (length 1) at t = 1..4.
        (_, float[] written) = Output(out64, "output.npy");
        for (int t = 1; t < T; t++)
        {
            int row = batchFirst ? 2 * T + t : t * B + 2;
            Assert.All(written.AsSpan(row * 8, 8).ToArray(), v => Assert.Equal(0f, v));
        }
        Assert.Contains(written, v => v != 0);
    }

    [Fact]
    public void Float64_inputs_are_rounded_to_float32_once()
    {
        using var dir = new TempDirectory();
        var spec = new RecurrentSpec(RecurrentCell.Gru, InputSize: 3, HiddenSize: 4);
        (string model, _) = RecurrentModel(dir, spec, seed: 14);
        const int T = 3, B = 2;
        var rng = new Random(15);
        double[] x = Enumerable.Range(0, T * B * 3).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        double[] h0 = Enumerable.Range(0, B * 4).Select(_ => rng.NextDouble() - 0.5).ToArray();
        string out64 = Path.Combine(dir.Path, "out64"), out32 = Path.Combine(dir.Path, "out32");

        Cli.Succeeds("run", model, "--input", $"x={Npy(dir, "x64.npy", [T, B, 3], x)}", "--input", $"h0={Npy(dir, "h64.npy", [1, B, 4], h0)}", "--out", out64);
        Cli.Succeeds("run", model, "--input", $"x={Npy(dir, "x32.npy", [T, B, 3], x.Select(v => (float)v).ToArray())}",
            "--input", $"h0={Npy(dir, "h32.npy", [1, B, 4], h0.Select(v => (float)v).ToArray())}", "--out", out32);

        AssertSame(out32, out64, "output.npy");
        AssertSame(out32, out64, "h_n.npy");
    }

    [Fact]
    public void The_nonlinearity_option_sets_an_RNN_activation()
    {
        using var dir = new TempDirectory();
        var spec = new RecurrentSpec(RecurrentCell.Rnn, InputSize: 3, HiddenSize: 6, NumLayers: 2);
        (string model, var parameters) = RecurrentModel(dir, spec, seed: 16);
        float[] x = Random(4 * 2 * 3, 17);
        string xFile = Npy(dir, "x.npy", [4, 2, 3], x);
        string tanh = Path.Combine(dir.Path, "tanh"), relu = Path.Combine(dir.Path, "relu"), byDefault = Path.Combine(dir.Path, "default");

        Cli.Succeeds("run", model, "--input", $"x={xFile}", "--out", byDefault);
        Cli.Succeeds("run", model, "--input", $"x={xFile}", "--out", tanh, "--nonlinearity", "tanh");
        Cli.Succeeds("run", model, "--input", $"x={xFile}", "--out", relu, "--nonlinearity", "relu");

        Assert.Equal(Library(spec, parameters, x, 4, 2).Output, Output(tanh, "output.npy").Data);
        AssertSame(tanh, byDefault, "output.npy");
        Assert.Equal(Library(spec with { Nonlinearity = Nonlinearity.Relu }, parameters, x, 4, 2).Output, Output(relu, "output.npy").Data);
    }

    [Fact]
    public void The_reference_network_gives_stacked_outputs_and_final_state()
    {
        using var dir = new TempDirectory();
        (string model, ElmanParameters p) = ElmanModel(dir, x: 3, h: 5, y: 2, seed: 20);
        const int T = 4, B = 3;
        float[] x = Random(T * B * 3, 21), h0 = Random(B * 5, 22);
        string timeMajor = Path.Combine(dir.Path, "tm"), batchFirst = Path.Combine(dir.Path, "bf");
        string h0File = Npy(dir, "h0.npy", [B, 5], h0);

        CliResult r = Cli.Succeeds("run", model, "--input", $"x={Npy(dir, "x.npy", [T, B, 3], x)}", "--input", $"h0={h0File}", "--out", timeMajor);
        Cli.Succeeds("run", model, "--input", $"x={Npy(dir, "xbf.npy", [B, T, 3], Transpose(x, T, B, 3))}", "--input", $"h0={h0File}",
            "--out", batchFirst, "--batch-first");

        using var network = p.CreateNetwork();
        using var session = network.CreateSession(T, B);
        float[] y = new float[T * B * 2], hn = new float[B * 5];
        session.Forward(x, T, B, y, hn, h0);
        AssertOutput([T, B, 2], y, timeMajor, "output.npy");
        AssertOutput([B, 5], hn, timeMajor, "h_n.npy");
        AssertOutput([B, T, 2], Transpose(y, T, B, 2), batchFirst, "output.npy");
        AssertOutput([B, 5], hn, batchFirst, "h_n.npy");
        Assert.False(File.Exists(Path.Combine(timeMajor, "c_n.npy")));
        Assert.Contains("reference Elman network (input 3, hidden 5, output 2)", r.Stdout);
    }

    [Fact]
    public void The_reference_network_takes_unbatched_x()
    {
        using var dir = new TempDirectory();
        (string model, ElmanParameters p) = ElmanModel(dir, x: 2, h: 4, y: 3, seed: 23);
        float[] x = Random(5 * 2, 24), h0 = Random(4, 25);
        string outDir = Path.Combine(dir.Path, "out");
        Cli.Succeeds("run", model, "--input", $"x={Npy(dir, "x.npy", [5, 2], x)}", "--input", $"h0={Npy(dir, "h0.npy", [4], h0)}", "--out", outDir);

        using var network = p.CreateNetwork();
        using var session = network.CreateSession(5, 1);
        float[] y = new float[5 * 3], hn = new float[4];
        session.Forward(x, 5, 1, y, hn, h0);
        AssertOutput([5, 3], y, outDir, "output.npy");
        AssertOutput([4], hn, outDir, "h_n.npy");
    }

    [Fact]
    public void The_output_directory_is_created_and_a_rerun_replaces_only_its_own_files()
    {
        using var dir = new TempDirectory();
        var spec = new RecurrentSpec(RecurrentCell.Rnn, InputSize: 2, HiddenSize: 3);
        (string model, var parameters) = RecurrentModel(dir, spec, seed: 26);
        string outDir = Path.Combine(dir.Path, "a", "b", "out");
        float[] x1 = Random(2 * 1 * 2, 27), x2 = Random(3 * 1 * 2, 28);

        Cli.Succeeds("run", model, "--input", $"x={Npy(dir, "x1.npy", [2, 1, 2], x1)}", "--out", outDir);
        File.WriteAllText(Path.Combine(outDir, "notes.txt"), "mine");
        Cli.Succeeds("run", model, "--input", $"x={Npy(dir, "x2.npy", [3, 1, 2], x2)}", "--out", outDir);

        AssertOutput([3, 1, 3], Library(spec, parameters, x2, 3, 1).Output, outDir, "output.npy");
        Assert.Equal("mine", File.ReadAllText(Path.Combine(outDir, "notes.txt")));
        Assert.Equal(["h_n.npy", "notes.txt", "output.npy"], Directory.GetFiles(outDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
