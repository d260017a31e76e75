using BenchmarkDotNet.Attributes;
using RnnSimd.Benchmarks.Peers;

namespace RnnSimd.Benchmarks;

/// <summary>
/// RnnSimd against its peers, PyTorch (TorchSharp + libtorch) and ONNX Runtime, on the same weights
/// and input, threads matched: each contender runs on <see cref="Threads"/> threads, the caller's
/// included. One Elman forward over a whole sequence per invocation, as in
/// <see cref="ElmanForwardBenchmarks"/>. Each contender is set up alone in its process (setups by
/// target), so that one library's thread pool never competes with another's.
/// </summary>
[MemoryDiagnoser]
public class ElmanPeerBenchmarks
{
    private ElmanData _data = null!;
    private ElmanLayer? _layer;
    private ElmanLayerSession? _session;
    private TorchRnn? _torch;
    private OnnxRnn? _onnx;

    [Params("S1", "S2", "S3", "S4", "S5", "B1H1024")]
    public string Shape { get; set; } = "S1";

    [ParamsSource(nameof(ThreadCounts))]
    public int Threads { get; set; } = 1;

    /// <summary>One thread, then every core (docs/benchmarks.md).</summary>
    public static IEnumerable<int> ThreadCounts => new[] { 1, Environment.ProcessorCount }.Distinct();

    [GlobalSetup(Target = nameof(RnnSimd))]
    public void SetupRnnSimd()
    {
        _data = new ElmanData(Shapes.Get(Shape));
        ElmanShape s = _data.Shape;
        _layer = _data.CreateLayer();
        _session = _layer.CreateSession(s.T, s.B, Threads);
        ElmanCheck.AgreesWithNaive(_data, nameof(RnnSimd),
            (steps, output, final) => _session.Forward(_data.Input.AsSpan(0, steps * s.B * s.X), steps, s.B, output, final));
        _session.Forward(_data.Input, s.T, s.B, _data.Output, _data.FinalState);
        Agreement.Report(nameof(RnnSimd), s, DoubleElman.Forward(_data), _data.Output, _data.FinalState);
    }

    [GlobalSetup(Target = nameof(PyTorch))]
    public void SetupPyTorch()
    {
        _data = new ElmanData(Shapes.Get(Shape));
        _torch = TorchRnn.Create(_data, Threads);
        if (TorchRnn.Threads != Threads || !TorchRnn.InferenceModeEnabled)
            throw new InvalidOperationException(
                $"libtorch runs {TorchRnn.Threads} threads (asked for {Threads}), inference mode {TorchRnn.InferenceModeEnabled}.");
        (float[] output, float[] final) = _torch.ForwardToArrays();
        Agreement.Report(nameof(PyTorch), _data.Shape, DoubleElman.Forward(_data), output, final);
    }

    [GlobalSetup(Target = nameof(OnnxRuntime))]
    public void SetupOnnxRuntime()
    {
        _data = new ElmanData(Shapes.Get(Shape));
        _onnx = new OnnxRnn(_data, Threads);
        _onnx.Forward();
        Agreement.Report(nameof(OnnxRuntime), _data.Shape, DoubleElman.Forward(_data), _data.Output, _data.FinalState);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_session is { Threads: > 1 } threaded)
            CallsAlone.Report(nameof(RnnSimd), threaded.CallsRunAlone);
        _session?.Dispose();
        _layer?.Dispose();
        _torch?.Dispose();
        _onnx?.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void RnnSimd() =>
        _session!.Forward(_data.Input, _data.Shape.T, _data.Shape.B, _data.Output, _data.FinalState);

    /// <summary>torch.nn.RNN; its output stays a libtorch tensor (disposed at once), as a PyTorch user would have it.</summary>
    [Benchmark]
    public void PyTorch() => _torch!.Forward();

    /// <summary>One session run, reading and writing the same arrays as RnnSimd through IOBinding.</summary>
    [Benchmark]
    public void OnnxRuntime() => _onnx!.Forward();
}
