namespace RnnSimd.IO;

/// <summary>
/// Reads the state_dict of the reference Elman network (mission.md §1) from a safetensors file:
/// exactly the keys W_xh (X, H), W_hh (H, H), b_h (H), W_hy (H, Y) and b_y (Y).
/// </summary>
/// <remarks>
/// <para>As with <see cref="RecurrentStateDict"/>, the longest prefix common to every key and
/// ending in '.' (such as "model." when the network sits inside a user's module) is stripped.</para>
/// <para>X and H are read from W_xh, Y from W_hy; then every key must be present with its exact
/// shape and nothing else may be. Errors name the file, the key, and the expected and found shapes.</para>
/// </remarks>
public static class ElmanStateDict
{
    /// <summary>The reference network's parameter names, in the order its module declares them.</summary>
    public static IReadOnlyList<string> Keys { get; } = ["W_xh", "W_hh", "b_h", "W_hy", "b_y"];

    /// <summary>
    /// Whether the file is meant as the reference network: after the common prefix is stripped, it
    /// holds at least one of <see cref="Keys"/> (nn.RNN/GRU/LSTM state_dicts hold none of them).
    /// </summary>
    public static bool IsElman(SafetensorsFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        string prefix = Prefix(file);
        return Keys.Any(k => file.Contains(prefix + k));
    }

    /// <summary>The parameters, checked against each other's shapes.</summary>
    /// <exception cref="TensorFileException">A key is missing, unexpected or mis-shaped (the message names it, the shape found and the shape needed).</exception>
    public static ElmanParameters Read(SafetensorsFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        string prefix = Prefix(file);
        string Quote(string key) => TensorNames.Quote(prefix + key);
        TensorFileException Fail(string problem) => new(file.FileName, problem);
        int[]? Shape(string key) => file.Contains(prefix + key) ? file.Info(prefix + key).Shape : null;

        const string Reference = "the reference Elman network";
        int[] wxh = Shape("W_xh") ?? throw Fail(
            $"no tensor {Quote("W_xh")}; {Reference} needs it with shape (X, H)" +
            (prefix.Length > 0 ? $" (after the common key prefix '{prefix}')." : "."));
        if (wxh.Length != 2 || wxh[0] < 1 || wxh[1] < 1)
            throw Fail($"tensor {Quote("W_xh")} has shape {DTypes.FormatShape(wxh)}; {Reference} needs a matrix (X, H) with X, H ≥ 1.");
        int inputSize = wxh[0], hiddenSize = wxh[1];
        int[] why = Shape("W_hy") ?? throw Fail(
            $"no tensor {Quote("W_hy")}; {Reference} with W_xh {DTypes.FormatShape(wxh)} needs it with shape ({hiddenSize}, Y).");
        if (why.Length != 2 || why[0] != hiddenSize || why[1] < 1)
            throw Fail($"tensor {Quote("W_hy")} has shape {DTypes.FormatShape(why)}; {Reference} with W_xh {DTypes.FormatShape(wxh)} needs ({hiddenSize}, Y) with Y ≥ 1.");
        int outputSize = why[1];

        (string Key, int[] Shape)[] shapes =
        [
            ("W_xh", [inputSize, hiddenSize]),
            ("W_hh", [hiddenSize, hiddenSize]),
            ("b_h", [hiddenSize]),
            ("W_hy", [hiddenSize, outputSize]),
            ("b_y", [outputSize]),
        ];
        string module = $"reference Elman network (input {inputSize}, hidden {hiddenSize}, output {outputSize})";
        foreach ((string key, int[] expected) in shapes)
        {
            int[] found = Shape(key) ?? throw Fail($"no tensor {Quote(key)}; the {module} needs it with shape {DTypes.FormatShape(expected)}.");
            if (!found.AsSpan().SequenceEqual(expected))
                throw Fail($"tensor {Quote(key)} has shape {DTypes.FormatShape(found)}; the {module} needs {DTypes.FormatShape(expected)}.");
            TensorDType dtype = file.Info(prefix + key).DType;
            if (!DTypes.IsFloat(dtype))
                throw Fail($"tensor {Quote(key)} holds {dtype} values; weights must be floating point (F32, F64, F16, BF16 or F8).");
        }
        foreach (SafetensorsTensorInfo tensor in file.Tensors)
        {
            if (!Keys.Contains(tensor.Name[prefix.Length..]))
                throw Fail($"tensor {TensorNames.Quote(tensor.Name)} is not a parameter of the {module} (W_xh, W_hh, b_h, W_hy, b_y).");
        }
        float[] Read(string key) => file.ReadFloat32(prefix + key);
        return new ElmanParameters(inputSize, hiddenSize, outputSize, Read("W_xh"), Read("W_hh"), Read("b_h"), Read("W_hy"), Read("b_y"));
    }

    /// <summary>Opens <paramref name="path"/> and builds the reference network it holds.</summary>
    /// <param name="path">A safetensors file; messages name it as given.</param>
    /// <param name="simdPath">The SIMD path; null for the widest available (<see cref="Isa.Best"/>).</param>
    /// <exception cref="TensorFileException">The file is missing, malformed, or not such a state_dict.</exception>
    public static ElmanNetwork Load(string path, SimdPath? simdPath = null)
    {
        using SafetensorsFile file = SafetensorsFile.Open(path);
        return Read(file).CreateNetwork(simdPath);
    }

    private static string Prefix(SafetensorsFile file) => RecurrentStateDict.CommonPrefix(file.Tensors.Select(t => t.Name).ToList());
}
