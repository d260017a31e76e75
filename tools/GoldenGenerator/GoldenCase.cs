using System.Text;
using System.Text.Json;

namespace RnnSimd.GoldenGenerator;

/// <summary>One golden case: a PyTorch recurrent module, its input and what it returns.</summary>
/// <param name="Name">Folder name under the output directory.</param>
/// <param name="Cell">"rnn", "gru" or "lstm".</param>
/// <param name="Nonlinearity">"tanh" or "relu" for rnn; null otherwise.</param>
/// <param name="Lengths">Valid steps per batch entry (run through pack_padded_sequence), or null.</param>
/// <param name="KeyPrefix">Prefix of every state_dict key ("" for a bare module, "rnn." or "encoder.gru." when wrapped).</param>
/// <param name="SeedOffset">Added to the name's seed when the first draw gave a degenerate case (dead ReLUs).</param>
public sealed record GoldenCase(
    string Name,
    string Cell,
    string? Nonlinearity,
    int InputSize,
    int HiddenSize,
    int NumLayers,
    bool Bidirectional,
    bool Bias,
    int ProjSize,
    bool BatchFirst,
    bool Unbatched,
    int SeqLen,
    int Batch,
    bool HasH0,
    bool HasC0,
    int[]? Lengths,
    string KeyPrefix,
    int SeedOffset = 0)
{
    /// <summary>Seed of torch.manual_seed for this case: FNV-1a of the name (so adding a case moves no other) plus <see cref="SeedOffset"/>.</summary>
    public long Seed
    {
        get
        {
            uint hash = 2166136261;
            foreach (byte b in Encoding.UTF8.GetBytes(Name))
                hash = (hash ^ b) * 16777619;
            return (hash & 0x7fffffff) + SeedOffset;
        }
    }

    public int Directions => Bidirectional ? 2 : 1;

    /// <summary>Size of h (H_out): proj_size when the LSTM projects, hidden_size otherwise.</summary>
    public int OutputHidden => ProjSize > 0 ? ProjSize : HiddenSize;

    /// <summary>Gate count G: rows of weight_ih are G·H.</summary>
    public int Gates => Cell switch { "rnn" => 1, "gru" => 3, "lstm" => 4, _ => throw new InvalidOperationException(Cell) };

    public bool HasLengths => Lengths is not null;

    /// <summary>x as PyTorch takes it: (T, X) unbatched, (B, T, X) batch_first, (T, B, X) otherwise.</summary>
    public long[] XShape => Sequence(InputSize);

    /// <summary>output: as x, with D·H_out features.</summary>
    public long[] OutputShape => Sequence(Directions * OutputHidden);

    /// <summary>h0 and h_n: (D·L, H_out), or (D·L, B, H_out) batched.</summary>
    public long[] HShape => State(OutputHidden);

    /// <summary>c0 and c_n: (D·L, H), or (D·L, B, H) batched.</summary>
    public long[] CShape => State(HiddenSize);

    private long[] Sequence(int features) =>
        Unbatched ? [SeqLen, features] : BatchFirst ? [Batch, SeqLen, features] : [SeqLen, Batch, features];

    private long[] State(int features) =>
        Unbatched ? [Directions * NumLayers, features] : [Directions * NumLayers, Batch, features];

    /// <summary>Every state_dict key of the module with its shape, in PyTorch's parameter order.</summary>
    public IEnumerable<(string Key, long[] Shape)> ParameterShapes()
    {
        int gh = Gates * HiddenSize;
        for (int layer = 0; layer < NumLayers; layer++)
        {
            int layerInput = layer == 0 ? InputSize : Directions * OutputHidden;
            for (int d = 0; d < Directions; d++)
            {
                string suffix = $"_l{layer}{(d == 1 ? "_reverse" : "")}";
                yield return ($"weight_ih{suffix}", [gh, layerInput]);
                yield return ($"weight_hh{suffix}", [gh, OutputHidden]);
                if (Bias)
                {
                    yield return ($"bias_ih{suffix}", [gh]);
                    yield return ($"bias_hh{suffix}", [gh]);
                }
                if (ProjSize > 0)
                    yield return ($"weight_hr{suffix}", [ProjSize, HiddenSize]);
            }
        }
    }

    /// <summary>case.json: the fields in a fixed order, "\n" line ends, so the bytes never vary.</summary>
    public byte[] ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, NewLine = "\n" }))
        {
            w.WriteStartObject();
            w.WriteString("cell", Cell);
            if (Nonlinearity is not null)
                w.WriteString("nonlinearity", Nonlinearity);
            w.WriteNumber("input_size", InputSize);
            w.WriteNumber("hidden_size", HiddenSize);
            w.WriteNumber("num_layers", NumLayers);
            w.WriteBoolean("bidirectional", Bidirectional);
            w.WriteBoolean("bias", Bias);
            w.WriteNumber("proj_size", ProjSize);
            w.WriteBoolean("batch_first", BatchFirst);
            w.WriteBoolean("unbatched", Unbatched);
            w.WriteNumber("seq_len", SeqLen);
            w.WriteNumber("batch", Batch);
            w.WriteBoolean("has_h0", HasH0);
            w.WriteBoolean("has_c0", HasC0);
            w.WriteBoolean("has_lengths", HasLengths);
            w.WriteString("key_prefix", KeyPrefix);
            w.WriteNumber("seed", Seed);
            w.WriteEndObject();
        }
        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }
}

/// <summary>The committed case list.</summary>
public static class GoldenCases
{
    public static IReadOnlyList<GoldenCase> All { get; } = Build();

    private static List<GoldenCase> Build()
    {
        var cases = new List<GoldenCase>();
        foreach (var (kind, cell, nonlinearity) in new[]
                 {
                     ("rnn-tanh", "rnn", "tanh"), ("rnn-relu", "rnn", "relu"),
                     ("gru", "gru", (string?)null), ("lstm", "lstm", null),
                 })
        {
            bool lstm = cell == "lstm";
            GoldenCase C(string suffix, int x, int h, int layers = 1, bool bi = false, bool bias = true,
                bool batchFirst = false, bool unbatched = false, int t = 5, int b = 2, bool h0 = false,
                int[]? lengths = null, string prefix = "", int reluSeedOffset = 0) =>
                new($"{kind}-{suffix}", cell, nonlinearity, x, h, layers, bi, bias, 0, batchFirst, unbatched,
                    t, unbatched ? 1 : b, h0, h0 && lstm, lengths, prefix, nonlinearity == "relu" ? reluSeedOffset : 0);

            // Seed offsets: the ReLU draws whose outputs came out mostly zero (Checker.MinNonzero) were redrawn.
            cases.Add(C("l1", x: 3, h: 4, reluSeedOffset: 1));
            cases.Add(C("l2-bi", x: 3, h: 5, layers: 2, bi: true, t: 4));
            cases.Add(C("l3", x: 4, h: 3, layers: 3, t: 4, prefix: "rnn.", reluSeedOffset: 1));
            cases.Add(C("l2-nobias", x: 3, h: 4, layers: 2, bias: false, t: 4));
            cases.Add(C("l1-bf", x: 3, h: 4, batchFirst: true, b: 3, prefix: $"encoder.{cell}."));
            cases.Add(C("l2-bi-unbatched-h0", x: 3, h: 3, layers: 2, bi: true, unbatched: true, t: 4, h0: true, reluSeedOffset: 1));
            cases.Add(C("l2-h0", x: 4, h: 4, layers: 2, b: 3, h0: true, reluSeedOffset: 1));
            // Unsorted lengths whose maximum is T, batch_first.
            cases.Add(C("l1-bf-len", x: 3, h: 4, batchFirst: true, b: 3, lengths: [3, 5, 2]));
            // Unsorted lengths all shorter than T (output padded to T with zeros), with an initial state.
            cases.Add(C("l2-bi-len-h0", x: 3, h: 5, layers: 2, bi: true, t: 6, b: 3, h0: true, lengths: [2, 4, 3]));
            // The largest sizes: X and H odd, more than one vector lane's worth of nothing in particular.
            cases.Add(C("l1-x7-h9-h0", x: 7, h: 9, t: 7, b: 3, h0: true));
        }

        // Bidirectional, batch_first and lengths together (unsorted, maximum T).
        cases.Add(new("gru-l2-bi-bf-len", "gru", null, 3, 4, 2, true, true, 0, true, false, 5, 3, false, false, [2, 5, 3], ""));

        // LSTM with proj_size (h is projected to proj_size: weight_hr_l{k}, h0/h_n (D·L, B, proj)).
        cases.Add(new("lstm-l2-proj3", "lstm", null, 4, 5, 2, false, true, 3, false, false, 5, 2, false, false, null, ""));
        cases.Add(new("lstm-l2-bi-proj3-h0", "lstm", null, 3, 5, 2, true, true, 3, false, false, 4, 2, true, true, null, "rnn."));
        cases.Add(new("lstm-l1-proj2-bf-nobias", "lstm", null, 3, 4, 1, false, false, 2, true, false, 5, 3, false, false, null, ""));
        // Projected LSTM with unsorted lengths all shorter than T, and an initial state: libtorch's packed LSTM op.
        cases.Add(new("lstm-l2-proj3-len-h0", "lstm", null, 4, 5, 2, false, true, 3, false, false, 5, 3, true, true, [3, 1, 4], ""));
        cases.Add(new("lstm-l2-bi-proj3-len-h0", "lstm", null, 3, 5, 2, true, true, 3, false, false, 6, 3, true, true, [2, 5, 3], ""));
        return cases;
    }
}
