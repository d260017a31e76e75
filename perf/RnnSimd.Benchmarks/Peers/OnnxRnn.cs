using Microsoft.ML.OnnxRuntime;

namespace RnnSimd.Benchmarks.Peers;

/// <summary>
/// ONNX Runtime running the one-node RNN model of <see cref="OnnxRnnModel"/> on n intra-op threads,
/// its input and outputs bound once to the benchmark's own arrays, so that a call times the
/// session run and nothing of marshalling.
/// </summary>
public sealed class OnnxRnn : IDisposable
{
    private readonly InferenceSession _session;
    private readonly OrtValue _input;
    private readonly OrtValue _output;
    private readonly OrtValue _finalState;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions = new();

    /// <summary>
    /// Reads <see cref="ElmanData.Input"/> and writes <see cref="ElmanData.Output"/> (as Y, (T, 1, B, H):
    /// the same layout as (T, B, H)) and <see cref="ElmanData.FinalState"/> in place; the arrays stay
    /// pinned until <see cref="Dispose"/>.
    /// </summary>
    public OnnxRnn(ElmanData data, int threads)
    {
        ElmanShape s = data.Shape;
        using var options = new SessionOptions
        {
            // n threads for the operator, the caller's included; no concurrency between operators
            // (there is one), as torch.set_num_interop_threads(1) for PyTorch.
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(OnnxRnnModel.Build(data), options);

        _input = OrtValue.CreateTensorValueFromMemory(data.Input, [s.T, s.B, s.X]);
        _output = OrtValue.CreateTensorValueFromMemory(data.Output, [s.T, 1, s.B, s.H]);
        _finalState = OrtValue.CreateTensorValueFromMemory(data.FinalState, [1, s.B, s.H]);
        _binding = _session.CreateIoBinding();
        _binding.BindInput(OnnxRnnModel.Input, _input);
        _binding.BindOutput(OnnxRnnModel.Output, _output);
        _binding.BindOutput(OnnxRnnModel.FinalState, _finalState);
    }

    /// <summary>One forward over the whole sequence, into the bound arrays.</summary>
    public void Forward() => _session.RunWithBinding(_runOptions, _binding);

    public void Dispose()
    {
        _binding.Dispose();
        _input.Dispose();
        _output.Dispose();
        _finalState.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
