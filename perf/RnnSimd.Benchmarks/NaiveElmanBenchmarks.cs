using BenchmarkDotNet.Attributes;

namespace RnnSimd.Benchmarks;

/// <summary>
/// The naive scalar baseline, on the shapes where one call takes milliseconds rather than
/// seconds (S4 ≈ 0.5 s, S5 ≈ 10 s per call would cost minutes of the run for a known answer).
/// </summary>
[MemoryDiagnoser]
public class NaiveElmanBenchmarks
{
    private ElmanData _data = null!;

    [Params("S1", "S2", "S3")]
    public string Shape { get; set; } = "S1";

    [GlobalSetup]
    public void Setup()
    {
        _data = new ElmanData(Shapes.Get(Shape));
        Naive();
        Agreement.Report(nameof(Naive), _data.Shape, DoubleElman.Forward(_data), _data.Output, _data.FinalState);
    }

    [Benchmark]
    public void Naive()
    {
        ElmanShape s = _data.Shape;
        NaiveElman.Forward(_data.Input, s.T, s.B, s.X, s.H,
            _data.WeightIh, _data.WeightHh, _data.BiasIh, _data.BiasHh, _data.Output, _data.FinalState);
    }
}
