using System.Text.Json;
using RnnSimd.IO;

namespace RnnSimd.Tests.Golden;

/// <summary>
/// Networks and outputs from real PyTorch (tests/golden, made by tools/GoldenGenerator in float64):
/// each state_dict is loaded as a user's would be, run on every SIMD path, and compared within
/// 2e-5 + 1e-4·|expected| (float32 arithmetic against PyTorch's float64 result).
/// </summary>
public class PyTorchGoldenTests
{
    /// <summary>The cases, copied beside the test binary by the project file.</summary>
    public static string Root => Path.Combine(AppContext.BaseDirectory, "golden");

    public static TheoryData<string, SimdPath> Cases()
    {
        var data = new TheoryData<string, SimdPath>();
        foreach (string dir in Directory.GetDirectories(Root).Order(StringComparer.Ordinal))
            foreach (SimdPath path in Isa.Available)
                data.Add(Path.GetFileName(dir), path);
        return data;
    }

    [Fact]
    public void The_golden_cases_are_there()
        => Assert.True(Directory.GetDirectories(Root).Length >= 40, $"Expected the golden cases under {Root}.");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_PyTorch(string name, SimdPath path)
    {
        string dir = Path.Combine(Root, name);
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "case.json")));
        JsonElement c = json.RootElement;
        var nonlinearity = c.GetProperty("cell").GetString() == "rnn" && c.TryGetProperty("nonlinearity", out JsonElement act) && act.GetString() == "relu"
            ? Nonlinearity.Relu : Nonlinearity.Tanh;
        using var model = SafetensorsFile.Open(Path.Combine(dir, "model.safetensors"));
        (RecurrentSpec spec, Dictionary<string, float[]> parameters) = RecurrentStateDict.Read(model, nonlinearity);
        Assert.Equal(c.GetProperty("num_layers").GetInt32(), spec.NumLayers);
        Assert.Equal(c.GetProperty("proj_size").GetInt32(), spec.ProjSize);
        Assert.Equal(c.GetProperty("bidirectional").GetBoolean(), spec.Bidirectional);
        Assert.Equal(c.GetProperty("bias").GetBoolean(), spec.Bias);

        using var io = SafetensorsFile.Open(Path.Combine(dir, "io.safetensors"));
        int steps = c.GetProperty("seq_len").GetInt32(), batch = c.GetProperty("batch").GetInt32();
        bool batchFirst = c.GetProperty("batch_first").GetBoolean();
        float[] x = io.ReadFloat32("x");
        float[] h0 = io.Contains("h0") ? io.ReadFloat32("h0") : [];
        float[] c0 = io.Contains("c0") ? io.ReadFloat32("c0") : [];
        int[] lengths = io.Contains("lengths") ? Array.ConvertAll(io.ReadInt64("lengths"), v => checked((int)v)) : [];

        using var network = RecurrentNetwork.Create(spec, parameters, path);
        using var session = network.CreateSession(steps, batch);
        var output = new float[steps * batch * spec.OutputSize];
        var hn = new float[spec.StateCount * batch * spec.HiddenOutputSize];
        var cn = spec.HasCellState ? new float[spec.StateCount * batch * spec.HiddenSize] : [];
        // Unbatched (T, X) input is batch 1: the same memory as (T, 1, X).
        session.Forward(x, steps, batch, output, hn, cn, h0, c0, lengths, batchFirst);

        Compare(output, io, "output");
        Compare(hn, io, "h_n");
        if (spec.HasCellState)
            Compare(cn, io, "c_n");
    }

    private static void Compare(float[] actual, SafetensorsFile io, string name)
    {
        // Expected values are read as float32 (each within half an ulp of PyTorch's float64 result,
        // far inside the tolerance).
        float[] expected = io.ReadFloat32(name);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = 2e-5 + 1e-4 * Math.Abs(expected[i]);
            if (!(Math.Abs(actual[i] - expected[i]) <= tolerance))
                Assert.Fail($"{name}[{i}]: got {actual[i]:R}, PyTorch {expected[i]:R} (|diff| {Math.Abs(actual[i] - expected[i]):E2} > {tolerance:E2}).");
        }
    }
}
