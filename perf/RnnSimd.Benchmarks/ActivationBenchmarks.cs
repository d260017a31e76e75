using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;

namespace RnnSimd.Benchmarks;

/// <summary>
/// RnnSimd's span activations against the BCL's. 4096 floats (16 KiB each way) stay in L1, so
/// this times the arithmetic, not memory.
/// </summary>
[MemoryDiagnoser]
[ElementsColumn(Length)]
public class ActivationBenchmarks
{
    public const int Length = 4096;

    private readonly float[] _source = new float[Length];
    private readonly float[] _destination = new float[Length];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(ElmanData.Seed);
        // Wide enough to cover both saturated tails, where polynomial kernels take other branches.
        for (int i = 0; i < _source.Length; i++)
            _source[i] = (float)(random.NextDouble() * 20 - 10);
    }

    [Benchmark]
    public void RnnSimdTanh() => Activations.Tanh(_source, _destination);

    [Benchmark]
    public void TensorPrimitivesTanh() => TensorPrimitives.Tanh(_source, _destination);

    [Benchmark]
    public void RnnSimdSigmoid() => Activations.Sigmoid(_source, _destination);

    [Benchmark]
    public void TensorPrimitivesSigmoid() => TensorPrimitives.Sigmoid(_source, _destination);
}
