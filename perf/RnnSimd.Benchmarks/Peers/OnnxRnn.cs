using Microsoft.ML.OnnxRuntime;

namespace RnnSimd.Benchmarks.Peers;

/// <summary>
/// ONNX Runtime running a one-node recurrent model of <see cref="OnnxRnnModel"/> (RNN, GRU or LSTM)
/// on n intra-op threads, its input and outputs bound once to the benchmark's own arrays, so that a
/// call times the session run and nothing of marshalling.
/// </summary>
public sealed class OnnxRnn : IDisposable
{
    private readonly InferenceSession _session;
    private readonly OrtValue _input;
    private readonly OrtValue _output;
    private readonly OrtValue _finalState;
    private readonly OrtValue? _finalCell;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions = new();

    /// <summary>
    /// Reads <see cref="ElmanData.Input"/> and writes <see cref="ElmanData.Output"/> and
    /// <see cref="ElmanData.FinalState"/> in place; the arrays stay pinned until <see cref="Dispose"/>.
    /// </summary>
    public OnnxRnn(ElmanData data, int threads)
        : this(OnnxRnnModel.Build(data), data.Shape, threads, data.Input, data.Output, data.FinalState, finalCell: null)
    {
    }

    /// <summary>
    /// Reads <see cref="GatedData.Input"/> and writes <see cref="GatedData.Output"/>,
    /// <see cref="GatedData.FinalHidden"/> and, for an LSTM, <see cref="GatedData.FinalCell"/> in place.
    /// </summary>
    public OnnxRnn(GatedData data, int threads)
        : this(OnnxRnnModel.Build(data), data.Shape.Shape, threads, data.Input, data.Output, data.FinalHidden,
            data.Shape.Cell == RecurrentCell.Lstm ? data.FinalCell : null)
    {
    }

    /// <summary>
    /// Binds X to <paramref name="input"/> (T, B, X), Y to <paramref name="output"/> (as (T, 1, B, H):
    /// the same layout as (T, B, H)), Y_h to <paramref name="finalState"/> (B, H) and, if given, Y_c to
    /// <paramref name="finalCell"/> (B, H).
    /// </summary>
    private OnnxRnn(byte[] model, ElmanShape s, int threads, float[] input, float[] output, float[] finalState, float[]? finalCell)
    {
        using var options = new SessionOptions
        {
            // n threads for the operator, the caller's included; no concurrency between operators
            // (there is one), as torch.set_num_interop_threads(1) for PyTorch.
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(model, options);

        _input = OrtValue.CreateTensorValueFromMemory(input, [s.T, s.B, s.X]);
        _output = OrtValue.CreateTensorValueFromMemory(output, [s.T, 1, s.B, s.H]);
        _finalState = OrtValue.CreateTensorValueFromMemory(finalState, [1, s.B, s.H]);
        _binding = _session.CreateIoBinding();
        _binding.BindInput(OnnxRnnModel.Input, _input);
        _binding.BindOutput(OnnxRnnModel.Output, _output);
        _binding.BindOutput(OnnxRnnModel.FinalState, _finalState);
        if (finalCell is not null)
        {
            _finalCell = OrtValue.CreateTensorValueFromMemory(finalCell, [1, s.B, s.H]);
            _binding.BindOutput(OnnxRnnModel.FinalCell, _finalCell);
        }
    }

    /// <summary>One forward over the whole sequence, into the bound arrays.</summary>
    public void Forward() => _session.RunWithBinding(_runOptions, _binding);

    public void Dispose()
    {
        _binding.Dispose();
        _input.Dispose();
        _output.Dispose();
        _finalState.Dispose();
        _finalCell?.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
