using System.Text.Json;
using RnnSimd.IO;
using RnnSimd.Tests.Golden;
using RnnSimd.Tests.IO;

namespace RnnSimd.Tests.Cli;

/// <summary>
/// The PyTorch golden cases (tests/golden) through the command, as a user would run them: the
/// inputs written as npy files (float64 for every other case, float32 for the rest; lengths as
/// int64), <c>rnnsimd run</c>, then every written file compared with PyTorch's result: same shape,
/// values within 2e-5 + 1e-4·|expected|.
/// </summary>
public class CliGoldenTests
{
    private static List<string> Names() =>
        [.. Directory.GetDirectories(PyTorchGoldenTests.Root).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal)];

    public static TheoryData<string> Cases() => new(Names());

    [Theory]
    [MemberData(nameof(Cases))]
    public void Run_matches_PyTorch(string name)
    {
        string caseDir = Path.Combine(PyTorchGoldenTests.Root, name);
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(caseDir, "case.json")));
        JsonElement c = json.RootElement;
        using var io = SafetensorsFile.Open(Path.Combine(caseDir, "io.safetensors"));
        using var dir = new TempDirectory();
        bool float64 = Names().IndexOf(name) % 2 == 0;

        var args = new List<string> { "run", Path.Combine(caseDir, "model.safetensors"), "--out", Path.Combine(dir.Path, "out") };
        foreach (string input in new[] { "x", "h0", "c0" }.Where(io.Contains))
        {
            int[] shape = io.Info(input).Shape;
            // The stored inputs hold float32 values exactly (tests/golden/README.md), so both widths carry the same numbers.
            float[] values = io.ReadFloat32(input);
            string file = float64 ? CliFiles.Npy(dir, input + ".npy", shape, values.Select(v => (double)v).ToArray()) : CliFiles.Npy(dir, input + ".npy", shape, values);
            args.AddRange(["--input", $"{input}={file}"]);
        }
        if (io.Contains("lengths"))
            args.AddRange(["--lengths", CliFiles.Npy(dir, "lengths.npy", io.Info("lengths").Shape, io.ReadInt64("lengths"))]);
        if (c.GetProperty("batch_first").GetBoolean())
            args.Add("--batch-first");
        if (c.TryGetProperty("nonlinearity", out JsonElement act) && c.GetProperty("cell").GetString() == "rnn")
            args.AddRange(["--nonlinearity", act.GetString()!]);

        Cli.Succeeds([.. args]);

        string[] expected = c.GetProperty("cell").GetString() == "lstm" ? ["output", "h_n", "c_n"] : ["output", "h_n"];
        Assert.Equal(expected.Select(e => e + ".npy").Order(StringComparer.Ordinal),
            Directory.GetFiles(Path.Combine(dir.Path, "out")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (string result in expected)
        {
            (int[] shape, float[] actual) = CliFiles.Output(Path.Combine(dir.Path, "out"), result + ".npy");
            Assert.Equal(io.Info(result).Shape, shape);
            float[] pytorch = io.ReadFloat32(result);
            for (int i = 0; i < pytorch.Length; i++)
            {
                double tolerance = 2e-5 + 1e-4 * Math.Abs(pytorch[i]);
                if (!(Math.Abs(actual[i] - pytorch[i]) <= tolerance))
                    Assert.Fail($"{name} {result}[{i}]: got {actual[i]:R}, PyTorch {pytorch[i]:R} (|diff| {Math.Abs(actual[i] - pytorch[i]):E2} > {tolerance:E2}).");
            }
        }
    }
}
