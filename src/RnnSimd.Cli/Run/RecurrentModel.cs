using RnnSimd.Cli.Common;

namespace RnnSimd.Cli.Run;

/// <summary>nn.RNN, nn.GRU or nn.LSTM: inputs x, h0 (and c0); outputs output, h_n (and c_n), in PyTorch's shapes.</summary>
internal sealed class RecurrentModel(string file, RecurrentNetwork network) : RunnableModel(file)
{
    private RecurrentSpec Spec => network.Spec;

    public override string Description => ModelText.Describe(Spec);

    public override IReadOnlyList<string> InputNames => Spec.HasCellState ? ["x", "h0", "c0"] : ["x", "h0"];

    public override int InputSize => Spec.InputSize;

    public override SimdPath Path => network.Path;

    public override IReadOnlyList<OutputArray> Run(RunInputs inputs)
    {
        RecurrentSpec spec = Spec;
        NpyInput x = inputs.X;
        var layout = SequenceLayout.Of(x, spec.InputSize, inputs.BatchFirst, Title);
        string context = $"{Title} with x {Shapes.Format(x.Shape)}";
        int[] hiddenShape = layout.States(spec.StateCount, spec.HiddenOutputSize);
        int[] cellShape = layout.States(spec.StateCount, spec.HiddenSize);
        string states = layout.Unbatched ? "(D·L, {0})" : "(D·L, B, {0})";
        inputs.H0?.ExpectShape(hiddenShape, string.Format(null, states, "H_out"), context);
        inputs.C0?.ExpectShape(cellShape, string.Format(null, states, "H"), context);
        int[] lengths = [];
        if (inputs.Lengths is { } given)
        {
            if (layout.Unbatched)
                throw new CliException($"--lengths {given.File}: x is unbatched, shape {Shapes.Format(x.Shape)} ({x.File}); lengths apply to batched x only.");
            lengths = given.Check(layout, context);
        }

        int[] outputShape = layout.Sequence(spec.OutputSize);
        var output = new float[SequenceLayout.Elements(outputShape, x)];
        var hn = new float[SequenceLayout.Elements(hiddenShape, x)];
        var cn = spec.HasCellState ? new float[SequenceLayout.Elements(cellShape, x)] : [];
        using RecurrentNetworkSession session = SessionSize.Create(() => network.CreateSession(layout.Steps, layout.Batch), x.File, "T", "B");
        session.Forward(x.Data, layout.Steps, layout.Batch, output, hn, cn,
            initialHidden: inputs.H0 is { } h0 ? h0.Data : default,
            initialCell: inputs.C0 is { } c0 ? c0.Data : default,
            lengths: lengths, batchFirst: layout.BatchFirst);

        var results = new List<OutputArray> { new("output.npy", outputShape, output), new("h_n.npy", hiddenShape, hn) };
        if (spec.HasCellState)
            results.Add(new OutputArray("c_n.npy", cellShape, cn));
        return results;
    }

    public override void Dispose() => network.Dispose();
}
