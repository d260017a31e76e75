using BenchmarkDotNet.Attributes;
using RnnSimd.Benchmarks.Peers;

namespace RnnSimd.Benchmarks;

/// <summary>
/// GRU and LSTM layers (one layer, forward, both biases) of RnnSimd against PyTorch and ONNX Runtime,
/// on the same weights and input, threads matched, as <see cref="ElmanPeerBenchmarks"/> does for the
/// Elman layer: one forward over the whole sequence per invocation, output h_1..h_T, h_T and (LSTM) c_T,
/// zero initial state. Each contender is set up alone in its process (setups by target).
/// </summary>
/// <remarks>
/// S3 (batch 1: bound by streaming W_hh, G times the Elman layer's) and S4 (batch 32: bound by FMA
/// throughput). The naive scalar baseline, seconds per call on S4, is in <see cref="NaiveGatedBenchmarks"/>.
/// </remarks>
[MemoryDiagnoser]
public class GatedPeerBenchmarks
{
    private GatedData _data = null!;
    private RecurrentNetwork? _network;
    private RecurrentNetworkSession? _session;
    private TorchGated? _torch;
    private OnnxRnn? _onnx;

    [Params(RecurrentCell.Gru, RecurrentCell.Lstm)]
    public RecurrentCell Cell { get; set; } = RecurrentCell.Gru;

    [Params("S3", "S4")]
    public string Shape { get; set; } = "S3";

    [ParamsSource(nameof(ThreadCounts))]
    public int Threads { get; set; } = 1;

    /// <summary>One thread, then every core, as <see cref="ElmanPeerBenchmarks.ThreadCounts"/>.</summary>
    public static IEnumerable<int> ThreadCounts => ElmanPeerBenchmarks.ThreadCounts;

    private GatedData CreateData() => new(new GatedShape(Cell, Shapes.Get(Shape)));

    [GlobalSetup(Target = nameof(RnnSimd))]
    public void SetupRnnSimd()
    {
        _data = CreateData();
        ElmanShape s = _data.Shape.Shape;
        _network = _data.CreateNetwork();
        _session = _network.CreateSession(s.T, s.B, Threads);
        RnnSimd();
        double error = Agreement.Report(nameof(RnnSimd), _data, DoubleGated.Forward(_data), _data.Output, _data.FinalHidden, _data.FinalCell);
        GatedCheck.Within(nameof(RnnSimd), _data.Shape, error);
    }

    [GlobalSetup(Target = nameof(PyTorch))]
    public void SetupPyTorch()
    {
        _data = CreateData();
        _torch = TorchGated.Create(_data, Threads);
        if (TorchRnn.Threads != Threads || !TorchRnn.InferenceModeEnabled)
            throw new InvalidOperationException(
                $"libtorch runs {TorchRnn.Threads} threads (asked for {Threads}), inference mode {TorchRnn.InferenceModeEnabled}.");
        (float[] output, float[] finalHidden, float[] finalCell) = _torch.ForwardToArrays();
        Agreement.Report(nameof(PyTorch), _data, DoubleGated.Forward(_data), output, finalHidden, finalCell);
    }

    [GlobalSetup(Target = nameof(OnnxRuntime))]
    public void SetupOnnxRuntime()
    {
        _data = CreateData();
        _onnx = new OnnxRnn(_data, Threads);
        _onnx.Forward();
        Agreement.Report(nameof(OnnxRuntime), _data, DoubleGated.Forward(_data), _data.Output, _data.FinalHidden, _data.FinalCell);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_session is { Threads: > 1 } threaded)
            CallsAlone.Report(nameof(RnnSimd), threaded.CallsRunAlone);
        _session?.Dispose();
        _network?.Dispose();
        _torch?.Dispose();
        _onnx?.Dispose();
    }

    /// <summary>For a GRU, FinalCell is empty: Forward skips c_n.</summary>
    [Benchmark(Baseline = true)]
    public void RnnSimd()
    {
        ElmanShape s = _data.Shape.Shape;
        _session!.Forward(_data.Input, s.T, s.B, _data.Output, _data.FinalHidden, _data.FinalCell);
    }

    /// <summary>torch.nn.GRU / torch.nn.LSTM; its outputs stay libtorch tensors (disposed at once), as a PyTorch user would have them.</summary>
    [Benchmark]
    public void PyTorch() => _torch!.Forward();

    /// <summary>One session run, reading and writing the same arrays as RnnSimd through IOBinding.</summary>
    [Benchmark]
    public void OnnxRuntime() => _onnx!.Forward();
}
