using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace RnnSimd.GoldenGenerator;

/// <summary>
/// Runs each case through libtorch (TorchSharp) and writes its folder. Loaded only after
/// LibTorchSharpPatch has made the native library loadable.
/// </summary>
public static class TorchGenerator
{
    /// <summary>
    /// libtorch's aten::lstm, the op Python's nn.LSTM.forward calls (_VF.lstm) with its flat weights;
    /// it projects h when the h0 it is given is narrower than c0. TorchSharp 0.107's nn.LSTM has no
    /// proj_size, so the projected cases reach libtorch's LSTM through TorchScript.
    /// </summary>
    /// <remarks>
    /// lstm_packed is the same op's packed overload (the one taking batch_sizes), wrapped exactly as
    /// Python's nn.LSTM.forward and pad_packed_sequence wrap it for a PackedSequence made with
    /// enforce_sorted=False: hx permuted by sorted_indices (permute_hidden: index_select on dim 1),
    /// the op, then _pad_packed_sequence to total_length, and output (on the batch dim), h_n and c_n
    /// (on dim 1) put back in the input's order by unsorted_indices.
    /// </remarks>
    private const string LstmScript = """
        def lstm(x: Tensor, h0: Tensor, c0: Tensor, params: List[Tensor], has_biases: bool, num_layers: int, bidirectional: bool, batch_first: bool) -> Tuple[Tensor, Tensor, Tensor]:
            return torch.lstm(x, [h0, c0], params, has_biases, num_layers, 0.0, False, bidirectional, batch_first)

        def lstm_packed(data: Tensor, batch_sizes: Tensor, sorted_indices: Tensor, unsorted_indices: Tensor, h0: Tensor, c0: Tensor, params: List[Tensor], has_biases: bool, num_layers: int, bidirectional: bool, batch_first: bool, total_length: int) -> Tuple[Tensor, Tensor, Tensor, Tensor]:
            hx = [h0.index_select(1, sorted_indices), c0.index_select(1, sorted_indices)]
            packed_output, hn, cn = torch.lstm(data, batch_sizes, hx, params, has_biases, num_layers, 0.0, False, bidirectional)
            output, lengths = torch._pad_packed_sequence(packed_output, batch_sizes, batch_first, 0.0, total_length)
            batch_dim = 0 if batch_first else 1
            return output.index_select(batch_dim, unsorted_indices), lengths.index_select(0, unsorted_indices), hn.index_select(1, unsorted_indices), cn.index_select(1, unsorted_indices)

        """;

    public static void Generate(string root, IReadOnlyList<GoldenCase> cases)
    {
        // One thread: the same reduction order on every run, whatever the machine.
        torch.set_num_threads(1);
        Console.WriteLine($"libtorch via TorchSharp {typeof(torch).Assembly.GetName().Version}, {torch.get_num_threads()} thread(s)");
        using var script = torch.jit.compile(LstmScript);
        foreach (GoldenCase c in cases)
        {
            using var scope = torch.NewDisposeScope();
            GenerateCase(Path.Combine(root, c.Name), c, script);
            Console.WriteLine($"wrote {c.Name}");
        }
    }

    private static void GenerateCase(string dir, GoldenCase c, jit.CompilationUnit script)
    {
        // Everything is drawn in float32 (PyTorch's default dtype): module weights by the module's own
        // default init (uniform ±1/√H), then x, h0, c0 uniform in [−1, 1). Widening to float64 is then
        // exact, so the F32 model file and the F64 forward describe one and the same network.
        torch.manual_seed(c.Seed);
        nn.Module rnn = Build(c);
        Tensor x = Uniform(c.XShape);
        Tensor? h0 = c.HasH0 ? Uniform(c.HShape) : null;
        Tensor? c0 = c.HasC0 ? Uniform(c.CShape) : null;

        Directory.CreateDirectory(dir);
        // The state_dict as users save it: keys carry the container's prefix when there is one.
        Wrap(rnn, c.KeyPrefix).save_safetensors(Path.Combine(dir, "model.safetensors"));

        rnn.to(float64);
        rnn.eval();
        foreach (var (name, parameter) in rnn.named_parameters())
            if (!parameter.to(float32).to(float64).eq(parameter).all().item<bool>())
                throw new InvalidOperationException($"{c.Name}: {name} is not exactly a float32 after widening");
        Tensor x64 = x.to(float64);
        Tensor? h064 = h0?.to(float64);
        Tensor? c064 = c0?.to(float64);
        Tensor? lengths = c.Lengths is null ? null : torch.tensor(c.Lengths.Select(v => (long)v).ToArray(), int64);

        Tensor output, hn;
        Tensor? cn = null;
        using (torch.no_grad())
        {
            (output, hn, cn) = Run(rnn, c, x64, h064, c064, lengths, script);
            CrossCheckLstm(rnn, c, x64, h064, c064, lengths, script, output, hn, cn);
        }

        var io = new Dictionary<string, Tensor> { ["x"] = x64 };
        if (h064 is not null) io["h0"] = h064;
        if (c064 is not null) io["c0"] = c064;
        if (lengths is not null) io["lengths"] = lengths;
        io["output"] = output;
        io["h_n"] = hn;
        if (cn is not null) io["c_n"] = cn;
        foreach (string key in io.Keys.ToList())
            io[key] = io[key].contiguous();
        using (var stream = File.Create(Path.Combine(dir, "io.safetensors")))
            Safetensors.SaveStateDict(stream, io);

        File.WriteAllBytes(Path.Combine(dir, "case.json"), c.ToJson());
    }

    private static Tensor Uniform(long[] shape) => torch.rand(shape, float32) * 2 - 1;

    private static nn.Module Build(GoldenCase c) => c.Cell switch
    {
        "rnn" => nn.RNN(c.InputSize, c.HiddenSize, c.NumLayers,
            c.Nonlinearity == "relu" ? nn.NonLinearities.ReLU : nn.NonLinearities.Tanh,
            c.Bias, c.BatchFirst, 0.0, c.Bidirectional),
        "gru" => nn.GRU(c.InputSize, c.HiddenSize, c.NumLayers, c.Bias, c.BatchFirst, 0.0, c.Bidirectional),
        "lstm" when c.ProjSize > 0 => new ProjectedLstm(c),
        "lstm" => nn.LSTM(c.InputSize, c.HiddenSize, c.NumLayers, c.Bias, c.BatchFirst, 0.0, c.Bidirectional),
        _ => throw new InvalidOperationException(c.Cell),
    };

    /// <summary>The forward as users write it; with lengths through pack_padded_sequence / pad_packed_sequence.</summary>
    private static (Tensor Output, Tensor HN, Tensor? CN) Run(
        nn.Module rnn, GoldenCase c, Tensor x, Tensor? h0, Tensor? c0, Tensor? lengths, jit.CompilationUnit script)
    {
        if (c.Unbatched)
        {
            // libtorch's C++ modules (TorchSharp's) take only batched input ("input must have 3
            // dimensions"). Python's RNNBase.forward accepts unbatched input by doing exactly this around
            // the same op: x.unsqueeze(batch_dim), h0/c0.unsqueeze(1), then output.squeeze(batch_dim),
            // h_n/c_n.squeeze(1).
            int batchDim = c.BatchFirst ? 0 : 1;
            var (o, h, cc) = Run(rnn, c with { Unbatched = false }, x.unsqueeze(batchDim), h0?.unsqueeze(1), c0?.unsqueeze(1), lengths, script);
            return (o.squeeze(batchDim), h.squeeze(1), cc?.squeeze(1));
        }

        if (rnn is ProjectedLstm projected)
            return projected.Forward(script, x, h0, c0, lengths);

        (Tensor, Tensor)? state = h0 is null ? null : (h0, c0!);
        if (lengths is null)
        {
            return rnn switch
            {
                TorchSharp.Modules.RNN m => Pair(m.call(x, h0)),
                TorchSharp.Modules.GRU m => Pair(m.call(x, h0)),
                TorchSharp.Modules.LSTM m => m.call(x, state),
                _ => throw new InvalidOperationException(),
            };
        }

        using var packed = nn.utils.rnn.pack_padded_sequence(x, lengths, c.BatchFirst, enforce_sorted: false);
        (nn.utils.rnn.PackedSequence packedOutput, Tensor hn, Tensor? cn) = rnn switch
        {
            TorchSharp.Modules.RNN m => PackedPair(m.call(packed, h0)),
            TorchSharp.Modules.GRU m => PackedPair(m.call(packed, h0)),
            TorchSharp.Modules.LSTM m => Packed3(m.call(packed, state)),
            _ => throw new InvalidOperationException(),
        };
        using (packedOutput)
        {
            (Tensor output, Tensor outLengths) = nn.utils.rnn.pad_packed_sequence(packedOutput, c.BatchFirst, 0.0, c.SeqLen);
            if (!outLengths.to(int64).data<long>().SequenceEqual(lengths.data<long>()))
                throw new InvalidOperationException("pad_packed_sequence returned other lengths");
            return (output, hn, cn);
        }

        static (Tensor, Tensor, Tensor?) Pair((Tensor, Tensor) r) => (r.Item1, r.Item2, null);
        static (nn.utils.rnn.PackedSequence, Tensor, Tensor?) Packed3((nn.utils.rnn.PackedSequence, Tensor, Tensor) r) => r;
        static (nn.utils.rnn.PackedSequence, Tensor, Tensor?) PackedPair((nn.utils.rnn.PackedSequence, Tensor) r) => (r.Item1, r.Item2, null);
    }

    /// <summary>
    /// For plain batched LSTM cases, the TorchScript path used for the projected ones (packed too, when
    /// the case has lengths) must give the very same bits as nn.LSTM: evidence that it is the same
    /// libtorch op, called the same way.
    /// </summary>
    private static void CrossCheckLstm(nn.Module rnn, GoldenCase c, Tensor x, Tensor? h0, Tensor? c0, Tensor? lengths,
        jit.CompilationUnit script, Tensor output, Tensor hn, Tensor? cn)
    {
        if (rnn is not TorchSharp.Modules.LSTM || c.Unbatched)
            return;
        var parameters = rnn.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        Tensor[] flat = c.ParameterShapes().Select(k => parameters[k.Key]).ToArray();
        var (o, h, cc) = ScriptLstm(script, c, flat, x, h0, c0, lengths);
        if (!Same(o, output) || !Same(h, hn) || !Same(cc, cn!))
            throw new InvalidOperationException($"{c.Name}: TorchScript torch.lstm{(lengths is null ? "" : " (packed)")} differs from nn.LSTM");

        static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
    }

    /// <summary>
    /// libtorch's LSTM op through TorchScript with PyTorch's flat weights (zeros when no state is
    /// given, as nn.LSTM does). With lengths: pack_padded_sequence(enforce_sorted=False) by libtorch
    /// (TorchSharp), then lstm_packed, which does the rest of what nn.LSTM.forward and
    /// pad_packed_sequence(total_length=T) do.
    /// </summary>
    private static (Tensor Output, Tensor HN, Tensor CN) ScriptLstm(
        jit.CompilationUnit script, GoldenCase c, Tensor[] flat, Tensor x, Tensor? h0, Tensor? c0, Tensor? lengths)
    {
        h0 ??= torch.zeros(c.HShape, x.dtype);
        c0 ??= torch.zeros(c.CShape, x.dtype);
        if (lengths is null)
            return ((Tensor, Tensor, Tensor))script.invoke(
                "lstm", x, h0, c0, flat, c.Bias, (long)c.NumLayers, c.Bidirectional, c.BatchFirst);

        using var packed = nn.utils.rnn.pack_padded_sequence(x, lengths, c.BatchFirst, enforce_sorted: false);
        var (output, outLengths, hn, cn) = ((Tensor, Tensor, Tensor, Tensor))script.invoke(
            "lstm_packed", packed.data, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices, h0, c0, flat,
            c.Bias, (long)c.NumLayers, c.Bidirectional, c.BatchFirst, (long)c.SeqLen);
        if (!outLengths.to(int64).data<long>().SequenceEqual(lengths.data<long>()))
            throw new InvalidOperationException("_pad_packed_sequence returned other lengths");
        return (output, hn, cn);
    }

    /// <summary>Puts the module inside containers so its keys carry <paramref name="prefix"/> ("encoder.gru." → encoder → gru).</summary>
    private static nn.Module Wrap(nn.Module module, string prefix)
    {
        string[] names = prefix.TrimEnd('.').Split('.', StringSplitOptions.RemoveEmptyEntries);
        for (int i = names.Length - 1; i >= 0; i--)
            module = new Container(names[i], module);
        return module;
    }

    /// <summary>A user's model that holds the recurrent module as a named field.</summary>
    private sealed class Container : nn.Module
    {
        public Container(string childName, nn.Module child) : base(nameof(Container)) => register_module(childName, child);
    }

    /// <summary>
    /// nn.LSTM with proj_size, which TorchSharp 0.107 lacks: the parameters under PyTorch's names, in
    /// PyTorch's order, with its init (every one uniform ±1/√hidden_size, drawn in that order), and
    /// the forward Python's nn.LSTM runs (aten::lstm with the flat weights, zeros when no state is given;
    /// its packed overload after pack_padded_sequence when the case has lengths).
    /// </summary>
    private sealed class ProjectedLstm : nn.Module
    {
        private readonly GoldenCase _case;

        public ProjectedLstm(GoldenCase c) : base("LSTM")
        {
            if (c.Unbatched)
                throw new NotSupportedException("projected LSTM, unbatched: not generated");
            _case = c;
            foreach (var (key, shape) in c.ParameterShapes())
                register_parameter(key, nn.Parameter(torch.empty(shape, float32)));
            double bound = 1 / Math.Sqrt(c.HiddenSize);
            using (torch.no_grad())
                foreach (var (_, parameter) in named_parameters())
                    parameter.uniform_(-bound, bound);
        }

        public (Tensor Output, Tensor HN, Tensor? CN) Forward(jit.CompilationUnit script, Tensor x, Tensor? h0, Tensor? c0, Tensor? lengths)
        {
            var parameters = named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
            Tensor[] flat = _case.ParameterShapes().Select(k => parameters[k.Key]).ToArray();
            return ScriptLstm(script, _case, flat, x, h0, c0, lengths);
        }
    }
}
