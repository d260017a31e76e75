namespace RnnSimd.IO;

/// <summary>
/// Reads the state_dict of a PyTorch nn.RNN, nn.GRU or nn.LSTM from a safetensors file and
/// works out the module's shape from its keys and shapes alone (mission.md §2).
/// </summary>
/// <remarks>
/// <para>The module may sit inside a user's model: the longest prefix common to every key and
/// ending in '.' (such as "rnn." or "encoder.gru.") is stripped.</para>
/// <para>Inference: H is the column count of weight_hr_l0 when it exists (proj_size is then its
/// row count), else of weight_hh_l0; G = rows of weight_ih_l0 ÷ H gives the cell (1 RNN, 3 GRU,
/// 4 LSTM); X is the column count of weight_ih_l0; layers, direction and bias come from which
/// keys exist. Then every parameter must be present with its exact shape and nothing else may be:
/// errors name the file, the key, and the expected and found shapes.</para>
/// <para>Whether an RNN uses tanh or relu is not in a state_dict: the caller says.</para>
/// </remarks>
public static class RecurrentStateDict
{
    /// <summary>The module's shape and its parameters by state_dict name (prefix stripped), as <see cref="RecurrentNetwork.Create"/> takes them.</summary>
    /// <exception cref="TensorFileException">A key is missing, unexpected or mis-shaped, or the shapes fit no module.</exception>
    /// <exception cref="ArgumentException"><paramref name="nonlinearity"/> is relu and the file holds a GRU or LSTM.</exception>
    public static (RecurrentSpec Spec, Dictionary<string, float[]> Parameters) Read(SafetensorsFile file, Nonlinearity nonlinearity = Nonlinearity.Tanh)
    {
        ArgumentNullException.ThrowIfNull(file);
        string prefix = CommonPrefix(file.Tensors.Select(t => t.Name).ToList());
        int[] Shape(string key) => file.Info(prefix + key).Shape;
        string Quote(string key) => TensorNames.Quote(prefix + key);
        TensorFileException Fail(string problem) => new(file.FileName, problem);

        bool hasIh = file.Contains(prefix + "weight_ih_l0"), hasHh = file.Contains(prefix + "weight_hh_l0");
        if (!hasIh || !hasHh)
        {
            string missing = hasIh || hasHh
                ? $"no {Quote(hasIh ? "weight_hh_l0" : "weight_ih_l0")} beside {Quote(hasIh ? "weight_ih_l0" : "weight_hh_l0")}"
                : $"no {Quote("weight_ih_l0")} or {Quote("weight_hh_l0")}";
            throw Fail($"{missing}: not the state_dict of an nn.RNN, nn.GRU or nn.LSTM" +
                       (prefix.Length > 0 ? $" (after the common key prefix '{prefix}')" : "") +
                       $"; its tensors: {TensorList(file)}.");
        }
        int[] ih = Shape("weight_ih_l0"), hh = Shape("weight_hh_l0");
        if (ih.Length != 2)
            throw Fail($"tensor {Quote("weight_ih_l0")} has shape {DTypes.FormatShape(ih)}; a weight must be a matrix.");
        if (hh.Length != 2)
            throw Fail($"tensor {Quote("weight_hh_l0")} has shape {DTypes.FormatShape(hh)}; a weight must be a matrix.");
        // Both have one row per gate unit (G·H); checked first, so that a mis-shaped weight_hh_l0 is
        // named as such rather than read as a different kind of module.
        if (hh[0] != ih[0])
            throw Fail($"tensor {Quote("weight_hh_l0")} has shape {DTypes.FormatShape(hh)} and {Quote("weight_ih_l0")} {DTypes.FormatShape(ih)}; " +
                       "both must have one row per gate unit (G·H rows, G = 1, 3 or 4 for RNN, GRU, LSTM).");
        int hidden, proj = 0;
        if (file.Contains(prefix + "weight_hr_l0"))
        {
            int[] hr = Shape("weight_hr_l0");
            if (hr.Length != 2)
                throw Fail($"tensor {Quote("weight_hr_l0")} has shape {DTypes.FormatShape(hr)}; a weight must be a matrix.");
            hidden = hr[1];
            proj = hr[0];
        }
        else
        {
            hidden = hh[1];
            // Without a projection weight_hh_l0 alone says G and H: name it when it is the one at fault.
            if (hidden < 1 || hh[0] % hidden != 0 || hh[0] / hidden is not (1 or 3 or 4))
                throw Fail($"tensor {Quote("weight_hh_l0")} has shape {DTypes.FormatShape(hh)}; it must be (G·H, H) with G = 1, 3 or 4 gates (RNN, GRU, LSTM).");
        }
        if (hidden < 1 || ih[0] % hidden != 0 || ih[0] / hidden is not (1 or 3 or 4))
            throw Fail($"tensor {Quote("weight_ih_l0")} has {ih[0]} rows, which is not 1, 3 or 4 gates (RNN, GRU, LSTM) of hidden size {hidden} " +
                       $"(the columns of {Quote("weight_hr_l0")}).");
        var cell = (ih[0] / hidden) switch { 1 => RecurrentCell.Rnn, 3 => RecurrentCell.Gru, _ => RecurrentCell.Lstm };
        if (proj > 0 && cell != RecurrentCell.Lstm)
            throw Fail($"tensor {Quote("weight_hr_l0")} is a projection, which only LSTM modules have; these weights are a {cell.ToString().ToUpperInvariant()}'s.");
        if (cell != RecurrentCell.Rnn && nonlinearity != Nonlinearity.Tanh)
            throw new ArgumentException($"nonlinearity {nonlinearity.ToString().ToLowerInvariant()} applies to RNN modules only; {file.FileName} holds a {cell.ToString().ToUpperInvariant()}.", nameof(nonlinearity));
        int layers = 0;
        while (file.Contains($"{prefix}weight_ih_l{layers}"))
            layers++;
        bool bidirectional = file.Contains(prefix + "weight_ih_l0_reverse");
        bool bias = file.Contains(prefix + "bias_ih_l0");

        RecurrentSpec spec;
        try
        {
            spec = new RecurrentSpec(cell, ih[1], hidden, layers, bidirectional, bias, proj, nonlinearity);
            spec.Validate();
        }
        catch (ArgumentException e)
        {
            // The spec's own message, without .NET's "(Parameter '…')" and "Actual value was …" lines.
            string reason = e.Message.Split(" (Parameter", 2)[0].ReplaceLineEndings(" ");
            throw Fail($"the tensor shapes describe no valid module: {reason}");
        }

        string module = RecurrentNetwork.Describe(spec);
        var parameters = new Dictionary<string, float[]>();
        foreach ((string name, int[] shape) in spec.ParameterShapes())
        {
            if (!file.Contains(prefix + name))
                throw Fail($"no tensor {Quote(name)}; a {module} needs it with shape {DTypes.FormatShape(shape)}.");
            int[] found = Shape(name);
            if (!found.AsSpan().SequenceEqual(shape))
                throw Fail($"tensor {Quote(name)} has shape {DTypes.FormatShape(found)}; a {module} needs {DTypes.FormatShape(shape)}.");
            TensorDType dtype = file.Info(prefix + name).DType;
            if (!DTypes.IsFloat(dtype))
                throw Fail($"tensor {Quote(name)} holds {dtype} values; weights must be floating point (F32, F64, F16, BF16 or F8).");
            parameters[name] = file.ReadFloat32(prefix + name);
        }
        foreach (SafetensorsTensorInfo tensor in file.Tensors)
        {
            if (!parameters.ContainsKey(tensor.Name[prefix.Length..]))
                throw Fail($"tensor {TensorNames.Quote(tensor.Name)} is not a parameter of a {module}.");
        }
        return (spec, parameters);
    }

    /// <summary>Opens <paramref name="path"/> and builds the network it holds.</summary>
    /// <exception cref="TensorFileException">The file is missing, malformed, or not such a state_dict.</exception>
    /// <exception cref="ArgumentException"><paramref name="nonlinearity"/> is relu and the file holds a GRU or LSTM.</exception>
    public static RecurrentNetwork Load(string path, Nonlinearity nonlinearity = Nonlinearity.Tanh, SimdPath? simdPath = null)
    {
        using SafetensorsFile file = SafetensorsFile.Open(path);
        (RecurrentSpec spec, Dictionary<string, float[]> parameters) = Read(file, nonlinearity);
        return RecurrentNetwork.Create(spec, parameters, simdPath);
    }

    /// <summary>The first few tensor names, quoted, for messages about a file that is not what was expected.</summary>
    private static string TensorList(SafetensorsFile file)
    {
        const int shown = 6;
        var names = file.Tensors.Select(t => TensorNames.Quote(t.Name)).ToList();
        if (names.Count == 0)
            return "none";
        return string.Join(", ", names.Take(shown)) + (names.Count > shown ? $" and {names.Count - shown} more" : "");
    }

    /// <summary>The longest prefix common to all keys that ends in '.'; "" if none.</summary>
    internal static string CommonPrefix(IReadOnlyList<string> keys)
    {
        if (keys.Count == 0)
            return "";
        string first = keys[0];
        int length = first.Length;
        foreach (string key in keys)
        {
            int i = 0;
            while (i < length && i < key.Length && key[i] == first[i])
                i++;
            length = i;
        }
        int dot = first.LastIndexOf('.', Math.Max(0, length - 1));
        return length == 0 || dot < 0 ? "" : first[..(dot + 1)];
    }
}
