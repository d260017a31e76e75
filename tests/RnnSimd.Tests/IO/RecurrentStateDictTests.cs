using FsCheck;
using FsCheck.Fluent;
using RnnSimd.IO;
using RnnSimd.Tests.Generators;
using RnnSimd.Tests.Support;

namespace RnnSimd.Tests.IO;

/// <summary>state_dicts of the PyTorch family: the module's shape inferred from keys and shapes; every mismatch named.</summary>
public class RecurrentStateDictTests
{
    private static string Write(TempDirectory dir, RecurrentCase c, string prefix, Func<string, int[], (string Name, int[] Shape)?>? edit = null)
    {
        var d = c.Data();
        var tensors = new List<SafetensorsTensor>();
        foreach ((string name, int[] shape) in c.Spec.ParameterShapes())
        {
            var changed = edit is null ? (name, shape) : edit(name, shape);
            if (changed is { } t)
                tensors.Add(new SafetensorsTensor(prefix + t.Name, t.Shape, new float[t.Shape.Aggregate(1, (a, b) => a * b)]));
        }
        string path = dir.File(".safetensors");
        SafetensorsFile.Write(path, tensors);
        return path;
    }

    [Fact]
    public void Every_module_shape_is_inferred_back() =>
        Properties.Check(Arb.From(
            from c in RecurrentCase.Arbitrary().Generator
            from prefix in Gen.Elements("", "rnn.", "encoder.gru.", "model.layers.0.")
            select (c, prefix)), p =>
        {
            var (c, prefix) = p;
            using var dir = new TempDirectory();
            string path = Write(dir, c, prefix);
            using var file = SafetensorsFile.Open(path);
            var (spec, parameters) = RecurrentStateDict.Read(file, c.Act);
            Assert.Equal(c.Spec, spec);
            Assert.Equal(c.Spec.ParameterShapes().Select(s => s.Key).Order(), parameters.Keys.Order());
        }, runs: 50);

    private static readonly RecurrentCase Gru = new(RecurrentCell.Gru, Nonlinearity.Tanh, 2, true, true, 0,
        T: 1, B: 1, X: 4, H: 3, BatchFirst: false, H0: false, C0: false, Lengths: false, Scale: 1f, Seed: 1);

    private static string Problem(RecurrentCase c, string prefix, Func<string, int[], (string, int[])?> edit, Nonlinearity act = Nonlinearity.Tanh)
    {
        using var dir = new TempDirectory();
        string path = Write(dir, c, prefix, edit);
        using var file = SafetensorsFile.Open(path);
        var e = Assert.Throws<TensorFileException>(() => RecurrentStateDict.Read(file, act));
        Assert.Equal(path, e.FileName);
        return e.Problem;
    }

    [Fact]
    public void A_missing_key_is_named_with_its_shape() =>
        Assert.Equal("no tensor 'encoder.gru.bias_hh_l1_reverse'; a 2-layer bidirectional GRU (input 4, hidden 3, bias) needs it with shape (9,).",
            Problem(Gru, "encoder.gru.", (n, s) => n == "bias_hh_l1_reverse" ? null : (n, s)));

    [Fact]
    public void A_misshaped_key_is_named_with_both_shapes() =>
        Assert.Equal("tensor 'rnn.weight_hh_l1' has shape (9, 4); a 2-layer bidirectional GRU (input 4, hidden 3, bias) needs (9, 3).",
            Problem(Gru, "rnn.", (n, s) => n == "weight_hh_l1" ? (n, [9, 4]) : (n, s)));

    [Fact]
    public void An_extra_key_is_named() =>
        Assert.StartsWith("tensor 'rnn.weight_hr_l0_reverse' is not a parameter of a 2-layer bidirectional GRU", ProblemWithExtra());

    private static string ProblemWithExtra()
    {
        using var dir = new TempDirectory();
        var tensors = Gru.Spec.ParameterShapes()
            .Select(p => new SafetensorsTensor("rnn." + p.Key, p.Value, new float[p.Value.Aggregate(1, (a, b) => a * b)]))
            .Append(new SafetensorsTensor("rnn.weight_hr_l0_reverse", [2, 3], new float[6]))
            .ToList();
        string path = dir.File(".safetensors");
        SafetensorsFile.Write(path, tensors);
        using var file = SafetensorsFile.Open(path);
        return Assert.Throws<TensorFileException>(() => RecurrentStateDict.Read(file)).Problem;
    }

    [Fact]
    public void A_recurrent_weight_with_other_rows_than_the_input_weight_is_named_before_the_kind_is_guessed() =>
        // A transposed weight_hh_l0 (3, 9) would otherwise read as hidden size 9 and be reported as
        // another kind of module.
        Assert.Equal("tensor 'weight_hh_l0' has shape (3, 9) and 'weight_ih_l0' (9, 4); both must have one row per gate unit " +
                     "(G·H rows, G = 1, 3 or 4 for RNN, GRU, LSTM).",
            Problem(Gru, "", (n, s) => n == "weight_hh_l0" ? (n, [3, 9]) : (n, s)));

    [Theory]
    [InlineData("I32")]
    [InlineData("U32")]
    public void Integer_weights_are_refused(string dtype)
    {
        using var dir = new TempDirectory();
        string path = Write(dir, Gru, "rnn.");
        DTypeRelabel.Apply(path, "rnn.weight_hh_l1", dtype);
        using var file = SafetensorsFile.Open(path);
        var e = Assert.Throws<TensorFileException>(() => RecurrentStateDict.Read(file));
        Assert.Equal($"tensor 'rnn.weight_hh_l1' holds {dtype} values; weights must be floating point (F32, F64, F16, BF16 or F8).", e.Problem);
    }

    [Fact]
    public void Shapes_that_fit_no_module_are_explained()
    {
        Assert.Equal("tensor 'weight_hh_l0' has shape (6, 3); it must be (G·H, H) with G = 1, 3 or 4 gates (RNN, GRU, LSTM).",
            Problem(Gru, "", (n, s) => n is "weight_ih_l0" or "weight_hh_l0" ? (n, [6, s[1]]) : (n, s)));
        // The tensor at fault is named, not weight_ih_l0, whose shape is right.
        Assert.Equal("tensor 'weight_hh_l0' has shape (9, 4); it must be (G·H, H) with G = 1, 3 or 4 gates (RNN, GRU, LSTM).",
            Problem(Gru, "", (n, s) => n is "weight_hh_l0" ? (n, [9, 4]) : (n, s)));
        string renamed = Problem(Gru, "", (n, s) => n.StartsWith("weight_ih", StringComparison.Ordinal) ? ("W_xh" + n[9..], s) : (n, s));
        Assert.StartsWith("no 'weight_ih_l0' beside 'weight_hh_l0': not the state_dict of an nn.RNN, nn.GRU or nn.LSTM; its tensors: ", renamed);
        Assert.Contains("'W_xh_l0'", renamed);
        Assert.EndsWith(" more.", renamed);
        using var dir = new TempDirectory();
        using var file = SafetensorsFile.Open(Write(dir, Gru, ""));
        var e = Assert.Throws<ArgumentException>(() => RecurrentStateDict.Read(file, Nonlinearity.Relu));
        Assert.Equal("nonlinearity", e.ParamName);
        Assert.Contains("RNN modules only", e.Message);
    }
}
