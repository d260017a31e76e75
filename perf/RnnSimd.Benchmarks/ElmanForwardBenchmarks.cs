using BenchmarkDotNet.Attributes;

namespace RnnSimd.Benchmarks;

/// <summary>
/// One Elman forward over a whole sequence per invocation, RnnSimd against the TensorPrimitives
/// baseline on the same arrays. The naive baseline has its own class: it would take seconds per
/// call on the large shapes.
/// </summary>
[MemoryDiagnoser]
public class ElmanForwardBenchmarks
{
    private ElmanData _data = null!;
    private ElmanLayer _layer = null!;
    private ElmanLayerSession _session = null!;

    [Params("S1", "S2", "S3", "S4", "S5", "B1H1024")]
    public string Shape { get; set; } = "S1";

    [GlobalSetup]
    public void Setup()
    {
        _data = new ElmanData(Shapes.Get(Shape));
        ElmanShape s = _data.Shape;
        _layer = _data.CreateLayer();
        // Created once, as a server would: Forward then allocates nothing.
        _session = _layer.CreateSession(s.T, s.B);

        ElmanCheck.AgreesWithNaive(_data, nameof(RnnSimd),
            (steps, output, final) => _session.Forward(_data.Input.AsSpan(0, steps * s.B * s.X), steps, s.B, output, final));
        ElmanCheck.AgreesWithNaive(_data, nameof(TensorPrimitives),
            (steps, output, final) => TensorPrimitivesElman.Forward(_data.Input, steps, s.B, s.X, s.H,
                _data.WeightIh, _data.WeightHh, _data.BiasIh, _data.BiasHh, output, final));

        // Both in every process: one setup serves both methods, and the column picks its own line.
        double[] reference = DoubleElman.Forward(_data);
        RnnSimd();
        Agreement.Report(nameof(RnnSimd), s, reference, _data.Output, _data.FinalState);
        TensorPrimitives();
        Agreement.Report(nameof(TensorPrimitives), s, reference, _data.Output, _data.FinalState);
    }

    [GlobalCleanup]
    public void Cleanup() => _layer.Dispose();

    [Benchmark]
    public void RnnSimd() =>
        _session.Forward(_data.Input, _data.Shape.T, _data.Shape.B, _data.Output, _data.FinalState);

    [Benchmark]
    public void TensorPrimitives()
    {
        ElmanShape s = _data.Shape;
        TensorPrimitivesElman.Forward(_data.Input, s.T, s.B, s.X, s.H,
            _data.WeightIh, _data.WeightHh, _data.BiasIh, _data.BiasHh, _data.Output, _data.FinalState);
    }
}
