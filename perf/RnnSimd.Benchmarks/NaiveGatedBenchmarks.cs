using BenchmarkDotNet.Attributes;

namespace RnnSimd.Benchmarks;

/// <summary>
/// The naive scalar GRU and LSTM (<see cref="NaiveGated"/>) on the gated benchmark's shapes, one
/// thread, so that RnnSimd's speed-up over scalar code can be quoted from the same run as
/// <see cref="GatedPeerBenchmarks"/>.
/// </summary>
/// <remarks>
/// A call takes tens of milliseconds on S3 and over a second on S4. The project's job would run at
/// least 4 calls per iteration (BenchmarkDotNet's minimum invocation count), pilot calls first,
/// over 3 + 15 iterations: minutes per S4 case for a known answer. Here: 1 warm-up and 5
/// iterations of one call each, no pilot (about 10 s per S4 case), which is plenty for a baseline
/// 30–100× slower than RnnSimd; BenchmarkDotNet's warning that S3's iterations are shorter than
/// 100 ms can be ignored at that scale (one call of tens of ms is far above the timer's resolution).
/// </remarks>
[MemoryDiagnoser]
[WarmupCount(1)]
[IterationCount(5)]
[InvocationCount(1)]
public class NaiveGatedBenchmarks
{
    private GatedData _data = null!;

    [Params(RecurrentCell.Gru, RecurrentCell.Lstm)]
    public RecurrentCell Cell { get; set; } = RecurrentCell.Gru;

    [Params("S3", "S4")]
    public string Shape { get; set; } = "S3";

    [GlobalSetup]
    public void Setup()
    {
        _data = new GatedData(new GatedShape(Cell, Shapes.Get(Shape)));
        Naive();
        Agreement.Report(nameof(Naive), _data, DoubleGated.Forward(_data), _data.Output, _data.FinalHidden, _data.FinalCell);
    }

    [Benchmark]
    public void Naive()
    {
        ElmanShape s = _data.Shape.Shape;
        NaiveGated.Forward(Cell, _data.Input, s.T, s.B, s.X, s.H,
            _data.WeightIh, _data.WeightHh, _data.BiasIh, _data.BiasHh, _data.Output, _data.FinalHidden, _data.FinalCell);
    }
}
