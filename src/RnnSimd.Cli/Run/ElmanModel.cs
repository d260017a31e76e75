using RnnSimd.Cli.Common;

namespace RnnSimd.Cli.Run;

/// <summary>
/// The reference Elman network: inputs x and h0 (B, H); outputs output = the stacked y_t (T, B, Y)
/// and h_n (B, H). Batch-first and unbatched x follow the same rules as for nn.RNN.
/// </summary>
internal sealed class ElmanModel(string file, string description, ElmanNetwork network) : RunnableModel(file)
{
    public override string Description => description;

    public override IReadOnlyList<string> InputNames => ["x", "h0"];

    public override int InputSize => network.InputSize;

    public override SimdPath Path => network.Path;

    public override IReadOnlyList<OutputArray> Run(RunInputs inputs)
    {
        int features = network.InputSize, hidden = network.HiddenSize, outputs = network.OutputSize;
        NpyInput x = inputs.X;
        var layout = SequenceLayout.Of(x, features, inputs.BatchFirst, Title);
        int[] hiddenShape = layout.Rows(hidden);
        inputs.H0?.ExpectShape(hiddenShape, layout.Unbatched ? "(H)" : "(B, H)", $"{Title} with x {Shapes.Format(x.Shape)}");
        if (inputs.Lengths is not null)
            throw new InvalidOperationException("The loader refuses --lengths for the reference network.");

        int[] outputShape = layout.Sequence(outputs);
        int steps = layout.Steps, batch = layout.Batch;
        var y = new float[SequenceLayout.Elements(outputShape, x)];
        var hn = new float[SequenceLayout.Elements(hiddenShape, x)];
        float[] timeMajor = layout.BatchFirst ? Transpose(x.Data, batch, steps, features) : x.Data;
        using ElmanNetworkSession session = SessionSize.Create(() => network.CreateSession(steps, batch), x.File, "T", "B");
        session.Forward(timeMajor, steps, batch, y, hn, inputs.H0 is { } h0 ? h0.Data : default);
        if (layout.BatchFirst)
            y = Transpose(y, steps, batch, outputs);
        return [new OutputArray("output.npy", outputShape, y), new OutputArray("h_n.npy", hiddenShape, hn)];
    }

    /// <summary>(a, b, n) to (b, a, n).</summary>
    private static float[] Transpose(float[] source, int a, int b, int n)
    {
        var result = new float[source.Length];
        for (int i = 0; i < a; i++)
            for (int j = 0; j < b; j++)
                source.AsSpan((i * b + j) * n, n).CopyTo(result.AsSpan((j * a + i) * n, n));
        return result;
    }

    public override void Dispose() => network.Dispose();
}
