using RnnSimd.IO;

namespace RnnSimd.Tests;

/// <summary>
/// README's library example, executed. The second test keeps the two in step: every code line of
/// README's C# block must appear in this file (skipped where the repository is not beside the
/// test binary, as in the published ARM64 run).
/// </summary>
public class ReadmeExampleTests
{
    [Fact]
    public void The_README_example_runs()
    {
        var rng = new Random(1);
        float[] Random(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() - 0.5) / 8).ToArray();
        float[] weightIh = Random(128 * 64), weightHh = Random(128 * 128), biasIh = Random(128), biasHh = Random(128);
        float[] x = Random(100 * 64), output = new float[100 * 128], finalState = new float[128];
        float[] xt = Random(64), ht = new float[128];

        // PyTorch nn.RNN layout: weight_ih_l0 (H, X), weight_hh_l0 (H, H), bias_ih_l0 (H), bias_hh_l0 (H).
        using var layer = ElmanLayer.Create(inputSize: 64, hiddenSize: 128,
            weightIh, weightHh, biasIh, biasHh, Nonlinearity.Tanh);

        // A session owns every buffer a call needs: create it once per thread, for the largest call.
        var session = layer.CreateSession(maxSequenceLength: 100, maxBatch: 1);

        // A whole sequence: x is (T, B, X) time-major; output receives (T, B, H), finalState (B, H).
        session.Forward(x, sequenceLength: 100, batch: 1, output, finalState);

        // Or one step at a time, the state kept in the session.
        session.Reset(batch: 1);
        session.Step(xt, ht);               // xt (B, X) -> ht (B, H)

        Assert.Equal(output.AsSpan(99 * 128).ToArray(), finalState);
        Assert.Contains(ht, v => v != 0);
    }

    [Fact]
    public void The_README_state_dict_example_runs()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "golden", "lstm-l2-bi-len-h0", "model.safetensors");
        var rng = new Random(2);
        float[] Random(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();

        // A state_dict saved as safetensors; the module's shape is read from its keys and shapes.
        using var lstm = RecurrentStateDict.Load(path);
        using var session = lstm.CreateSession(maxSequenceLength: 100, maxBatch: 8);

        RecurrentSpec spec = lstm.Spec;
        float[] x = Random(100 * 8 * spec.InputSize), output = new float[100 * 8 * spec.OutputSize];
        float[] h0 = Random(spec.StateCount * 8 * spec.HiddenOutputSize), finalHidden = new float[h0.Length];
        float[] c0 = Random(spec.StateCount * 8 * spec.HiddenSize), finalCell = new float[c0.Length];
        int[] lengths = [100, 3, 50, 99, 1, 100, 7, 64];

        // x (T, B, X), or (B, T, X) with batchFirst; output (T, B, D·H_out); h_n (D·L, B, H_out); c_n (D·L, B, H).
        session.Forward(x, sequenceLength: 100, batch: 8, output, finalHidden, finalCell,
            initialHidden: h0, initialCell: c0, lengths: lengths, batchFirst: false);

        Assert.True(spec.Bidirectional);
        Assert.Equal(RecurrentCell.Lstm, spec.Cell);
        Assert.Contains(finalCell, v => v != 0);
        Assert.All(output.AsSpan((3 * 8 + 1) * spec.OutputSize, spec.OutputSize).ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void The_README_examples_are_the_ones_tested_here()
    {
        string? root = FindRepositoryRoot();
        Assert.SkipWhen(root is null, "The repository is not beside the test binary (published run).");
        string readme = File.ReadAllText(Path.Combine(root!, "README.md"));
        string thisFile = File.ReadAllText(Path.Combine(root!, "tests", "RnnSimd.Tests", "ReadmeExampleTests.cs"));
        int blocks = 0;
        for (int start = readme.IndexOf("```csharp", StringComparison.Ordinal); start >= 0;
             start = readme.IndexOf("```csharp", start + 9, StringComparison.Ordinal))
        {
            blocks++;
            int end = readme.IndexOf("```", start + 9, StringComparison.Ordinal);
            var codeLines = readme[(start + 9)..end].Split('\n').Select(l => l.Trim())
                .Where(l => l.Length > 0 && !l.StartsWith("using ", StringComparison.Ordinal));
            foreach (string line in codeLines)
                Assert.True(thisFile.Contains(line, StringComparison.Ordinal), $"README line not exercised by this test: {line}");
        }
        Assert.True(blocks >= 2, "README.md should show both library examples.");
    }

    private static string? FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RnnSimd.sln")))
                return dir.FullName;
        return null;
    }
}
