using RnnSimd.IO;

namespace RnnSimd.Tests.IO;

/// <summary>The reference network's state_dict (W_xh, W_hh, b_h, W_hy, b_y): read back exactly, every mismatch named.</summary>
public class ElmanStateDictTests
{
    private const int X = 3, H = 5, Y = 2;

    private static Dictionary<string, (int[] Shape, float[] Data)> Parameters(int seed = 1)
    {
        var rng = new Random(seed);
        (int[], float[]) Tensor(params int[] shape) =>
            (shape, Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray());
        return new Dictionary<string, (int[], float[])>
        {
            ["W_xh"] = Tensor(X, H),
            ["W_hh"] = Tensor(H, H),
            ["b_h"] = Tensor(H),
            ["W_hy"] = Tensor(H, Y),
            ["b_y"] = Tensor(Y),
        };
    }

    private static string Write(TempDirectory dir, IEnumerable<KeyValuePair<string, (int[] Shape, float[] Data)>> tensors, string prefix = "")
    {
        string path = dir.File(".safetensors");
        SafetensorsFile.Write(path, tensors.Select(t => new SafetensorsTensor(prefix + t.Key, t.Value.Shape, t.Value.Data)));
        return path;
    }

    [Theory]
    [InlineData("")]
    [InlineData("model.")]
    [InlineData("encoder.rnn.")]
    public void Parameters_are_read_back_exactly_whatever_the_prefix(string prefix)
    {
        using var dir = new TempDirectory();
        var parameters = Parameters();
        using var file = SafetensorsFile.Open(Write(dir, parameters, prefix));
        Assert.True(ElmanStateDict.IsElman(file));
        ElmanParameters read = ElmanStateDict.Read(file);
        Assert.Equal((X, H, Y), (read.InputSize, read.HiddenSize, read.OutputSize));
        Assert.Equal(parameters["W_xh"].Data, read.WXh);
        Assert.Equal(parameters["W_hh"].Data, read.WHh);
        Assert.Equal(parameters["b_h"].Data, read.BH);
        Assert.Equal(parameters["W_hy"].Data, read.WHy);
        Assert.Equal(parameters["b_y"].Data, read.BY);
    }

    [Fact]
    public void Load_builds_the_network_ElmanNetwork_Create_builds()
    {
        using var dir = new TempDirectory();
        var p = Parameters();
        using var loaded = ElmanStateDict.Load(Write(dir, p));
        using var direct = ElmanNetwork.Create(X, H, Y, p["W_xh"].Data, p["W_hh"].Data, p["b_h"].Data, p["W_hy"].Data, p["b_y"].Data);
        var x = Enumerable.Range(0, 4 * 2 * X).Select(i => MathF.Sin(i)).ToArray();
        float[] Run(ElmanNetwork net)
        {
            using var session = net.CreateSession(4, 2);
            var y = new float[4 * 2 * Y];
            session.Forward(x, 4, 2, y, new float[2 * H]);
            return y;
        }
        Assert.Equal(Run(direct), Run(loaded));
    }

    [Fact]
    public void An_nn_RNN_state_dict_is_not_the_reference_network()
    {
        using var dir = new TempDirectory();
        string path = dir.File(".safetensors");
        SafetensorsFile.Write(path, [new SafetensorsTensor("rnn.weight_ih_l0", [4, 3], new float[12]), new SafetensorsTensor("rnn.weight_hh_l0", [4, 4], new float[16])]);
        using var file = SafetensorsFile.Open(path);
        Assert.False(ElmanStateDict.IsElman(file));
        Assert.Equal("no tensor 'rnn.W_xh'; the reference Elman network needs it with shape (X, H) (after the common key prefix 'rnn.').",
            Assert.Throws<TensorFileException>(() => ElmanStateDict.Read(file)).Problem);
    }

    private static string Problem(Action<Dictionary<string, (int[] Shape, float[] Data)>> edit, string prefix = "")
    {
        using var dir = new TempDirectory();
        var parameters = Parameters();
        edit(parameters);
        string path = Write(dir, parameters, prefix);
        using var file = SafetensorsFile.Open(path);
        Assert.True(ElmanStateDict.IsElman(file));
        var e = Assert.Throws<TensorFileException>(() => ElmanStateDict.Read(file));
        Assert.Equal(path, e.FileName);
        Assert.StartsWith(path + ": ", e.Message);
        return e.Problem;
    }

    [Fact]
    public void A_missing_key_is_named_with_the_shape_it_needs()
    {
        Assert.Equal("no tensor 'net.W_hh'; the reference Elman network (input 3, hidden 5, output 2) needs it with shape (5, 5).",
            Problem(p => p.Remove("W_hh"), "net."));
        Assert.Equal("no tensor 'b_y'; the reference Elman network (input 3, hidden 5, output 2) needs it with shape (2,).",
            Problem(p => p.Remove("b_y")));
        Assert.Equal("no tensor 'W_hy'; the reference Elman network with W_xh (3, 5) needs it with shape (5, Y).",
            Problem(p => p.Remove("W_hy")));
        Assert.Equal("no tensor 'W_xh'; the reference Elman network needs it with shape (X, H).",
            Problem(p => p.Remove("W_xh")));
    }

    [Fact]
    public void Integer_weights_are_refused()
    {
        using var dir = new TempDirectory();
        string path = Write(dir, Parameters());
        DTypeRelabel.Apply(path, "W_hh", "I32");
        using var file = SafetensorsFile.Open(path);
        var e = Assert.Throws<TensorFileException>(() => ElmanStateDict.Read(file));
        Assert.Equal("tensor 'W_hh' holds I32 values; weights must be floating point (F32, F64, F16, BF16 or F8).", e.Problem);
    }

    [Fact]
    public void A_misshaped_key_is_named_with_both_shapes()
    {
        Assert.Equal("tensor 'W_hh' has shape (5, 4); the reference Elman network (input 3, hidden 5, output 2) needs (5, 5).",
            Problem(p => p["W_hh"] = ([5, 4], new float[20])));
        Assert.Equal("tensor 'b_h' has shape (1, 5); the reference Elman network (input 3, hidden 5, output 2) needs (5,).",
            Problem(p => p["b_h"] = ([1, 5], new float[5])));
        Assert.Equal("tensor 'W_hy' has shape (4, 2); the reference Elman network with W_xh (3, 5) needs (5, Y) with Y ≥ 1.",
            Problem(p => p["W_hy"] = ([4, 2], new float[8])));
        Assert.Equal("tensor 'W_xh' has shape (15,); the reference Elman network needs a matrix (X, H) with X, H ≥ 1.",
            Problem(p => p["W_xh"] = ([15], new float[15])));
    }

    [Fact]
    public void An_extra_key_is_named() =>
        Assert.Equal("tensor 'm.W_xy' is not a parameter of the reference Elman network (input 3, hidden 5, output 2) (W_xh, W_hh, b_h, W_hy, b_y).",
            Problem(p => p["W_xy"] = ([3, 2], new float[6]), "m."));
}
