namespace RnnSimd.GoldenGenerator;

/// <summary>
/// Re-reads every case from disk and checks it: case.json as defined, the exact key set, dtypes and
/// shapes of both safetensors files, and PyTorch's outputs against <see cref="Reference"/> computed
/// from the stored F32 weights and F64 inputs. Uses no libtorch, so it runs anywhere.
/// </summary>
public static class Checker
{
    /// <summary>Largest accepted |stored − reference| / max(1, |reference|): both are double computations of the same network.</summary>
    public const double Tolerance = 1e-12;

    /// <summary>Least share of nonzero values in the valid part of output.</summary>
    public const double MinNonzero = 0.3;

    /// <summary>Least max |output|.</summary>
    public const double MinLargest = 0.03;

    /// <returns>The number of problems found (0: all good).</returns>
    public static int CheckAll(string root, IReadOnlyList<GoldenCase> cases)
    {
        int problems = 0;
        var known = cases.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        foreach (string dir in Directory.Exists(root) ? Directory.GetDirectories(root) : [])
        {
            if (!known.Contains(Path.GetFileName(dir)))
            {
                Console.WriteLine($"FAIL {Path.GetFileName(dir)}: a folder that is not in the case list");
                problems++;
            }
        }

        foreach (GoldenCase c in cases)
        {
            try
            {
                double error = Check(Path.Combine(root, c.Name), c);
                Console.WriteLine($"ok   {c.Name,-32} max relative error vs double reference {error:E1}");
            }
            catch (Exception e) when (e is InvalidDataException or IOException or KeyNotFoundException)
            {
                Console.WriteLine($"FAIL {c.Name}: {e.Message}");
                problems++;
            }
        }
        Console.WriteLine(problems == 0 ? $"{cases.Count} cases checked, all good" : $"{problems} problem(s)");
        return problems;
    }

    /// <returns>The largest relative difference from the reference.</returns>
    public static double Check(string dir, GoldenCase c)
    {
        byte[] json = File.ReadAllBytes(Path.Combine(dir, "case.json"));
        if (!json.AsSpan().SequenceEqual(c.ToJson()))
            throw new InvalidDataException("case.json differs from the case definition");

        // model.safetensors: exactly the module's keys, F32, PyTorch's shapes.
        var model = SafetensorsReader.Read(Path.Combine(dir, "model.safetensors"));
        var expectedKeys = c.ParameterShapes().ToList();
        if (model.Count != expectedKeys.Count)
            throw new InvalidDataException($"model.safetensors has {model.Count} tensors, expected {expectedKeys.Count}: {string.Join(", ", model.Keys)}");
        var parameters = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var (key, shape) in expectedKeys)
        {
            StoredTensor t = Expect(model, c.KeyPrefix + key, "F32", shape, "model.safetensors");
            parameters[key] = t.Values;
        }

        // io.safetensors: exactly the tensors the case has, F64 (lengths I64).
        var io = SafetensorsReader.Read(Path.Combine(dir, "io.safetensors"));
        int expectedCount = 3 + (c.HasH0 ? 1 : 0) + (c.HasC0 ? 1 : 0) + (c.Cell == "lstm" ? 1 : 0) + (c.HasLengths ? 1 : 0);
        if (io.Count != expectedCount)
            throw new InvalidDataException($"io.safetensors has {io.Count} tensors, expected {expectedCount}: {string.Join(", ", io.Keys)}");
        double[] x = Expect(io, "x", "F64", c.XShape, "io.safetensors").Values;
        double[]? h0 = c.HasH0 ? Expect(io, "h0", "F64", c.HShape, "io.safetensors").Values : null;
        double[]? c0 = c.HasC0 ? Expect(io, "c0", "F64", c.CShape, "io.safetensors").Values : null;
        double[] output = Expect(io, "output", "F64", c.OutputShape, "io.safetensors").Values;
        double[] hn = Expect(io, "h_n", "F64", c.HShape, "io.safetensors").Values;
        double[]? cn = c.Cell == "lstm" ? Expect(io, "c_n", "F64", c.CShape, "io.safetensors").Values : null;
        long[]? lengths = null;
        if (c.HasLengths)
        {
            lengths = Expect(io, "lengths", "I64", [c.Batch], "io.safetensors").Values.Select(v => (long)v).ToArray();
            if (!lengths.SequenceEqual(c.Lengths!.Select(v => (long)v)))
                throw new InvalidDataException($"lengths [{string.Join(", ", lengths)}] differ from the case's");
        }

        // The inputs and weights must be floats exactly (the F32 model and the F64 run are one network).
        foreach (var (name, values) in new[] { ("x", x), ("h0", h0), ("c0", c0) })
            if (values is not null && values.Any(v => (double)(float)v != v))
                throw new InvalidDataException($"{name} holds values that are not exactly float32");

        var (refOutput, refHn, refCn) = Reference.Forward(c, parameters, ToTimeMajor(c, x, c.InputSize), h0, c0, lengths);
        double error = 0;
        error = Math.Max(error, Compare("output", output, FromTimeMajor(c, refOutput, c.Directions * c.OutputHidden)));
        error = Math.Max(error, Compare("h_n", hn, refHn));
        if (cn is not null)
            error = Math.Max(error, Compare("c_n", cn, refCn));

        // Past each length, pad_packed_sequence writes exact zeros.
        int features = c.Directions * c.OutputHidden;
        double[] timeMajor = ToTimeMajor(c, output, features);
        var valid = new List<double>();
        for (int b = 0; b < c.Batch; b++)
            for (long t = 0; t < c.SeqLen; t++)
                for (int k = 0; k < features; k++)
                {
                    double v = timeMajor[(t * c.Batch + b) * features + k];
                    if (lengths is null || t < lengths[b])
                        valid.Add(v);
                    else if (v != 0)
                        throw new InvalidDataException($"output[t={t}, b={b}] is not zero past length {lengths[b]}");
                }

        // A case whose outputs are mostly zero (dead ReLUs) or all tiny would test little.
        double nonzero = valid.Count(v => v != 0) / (double)valid.Count;
        double largest = valid.Max(Math.Abs);
        if (nonzero < MinNonzero || largest < MinLargest)
            throw new InvalidDataException($"degenerate output: {nonzero:P0} nonzero, max |output| {largest:G3} (give the case a seed offset)");
        return error;
    }

    private static StoredTensor Expect(Dictionary<string, StoredTensor> file, string name, string dtype, long[] shape, string fileName)
    {
        if (!file.TryGetValue(name, out StoredTensor? t))
            throw new InvalidDataException($"{fileName} has no tensor {name} (it has {string.Join(", ", file.Keys)})");
        if (t.DType != dtype || !t.Shape.SequenceEqual(shape))
            throw new InvalidDataException($"{fileName}: {name} is {t.DType} ({string.Join(", ", t.Shape)}), expected {dtype} ({string.Join(", ", shape)})");
        return t;
    }

    private static double Compare(string name, double[] stored, double[] reference)
    {
        double worst = 0;
        for (int i = 0; i < stored.Length; i++)
        {
            double relative = Math.Abs(stored[i] - reference[i]) / Math.Max(1, Math.Abs(reference[i]));
            if (!(relative <= Tolerance))
                throw new InvalidDataException($"{name}[{i}] = {stored[i]:R}, reference {reference[i]:R}");
            worst = Math.Max(worst, relative);
        }
        return worst;
    }

    /// <summary>(B, T, F) batch_first → (T, B, F); time-major and unbatched (T, F) = (T, 1, F) are already so.</summary>
    private static double[] ToTimeMajor(GoldenCase c, double[] data, int features) =>
        c.BatchFirst && !c.Unbatched ? Transpose(data, c.Batch, c.SeqLen, features) : data;

    private static double[] FromTimeMajor(GoldenCase c, double[] data, int features) =>
        c.BatchFirst && !c.Unbatched ? Transpose(data, c.SeqLen, c.Batch, features) : data;

    /// <summary>(a, b, f) → (b, a, f).</summary>
    private static double[] Transpose(double[] data, int a, int b, int f)
    {
        var result = new double[data.Length];
        for (int i = 0; i < a; i++)
            for (int j = 0; j < b; j++)
                Array.Copy(data, (i * b + j) * f, result, (j * a + i) * f, f);
        return result;
    }
}
