using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;

namespace RnnSimd.Benchmarks;

/// <summary>
/// Whether inputs that lead toward subnormal floats slow the activations down. On x86 an
/// operation that takes or produces a subnormal can cost a microcode assist of ~100 cycles
/// (.NET does not set FTZ/DAZ). RnnSimd flushes such results to zero without ever forming them
/// (docs/numerics.md), so its "tiny" time should equal its "normal" time; TensorPrimitives runs on
/// the same inputs for comparison. 4096 floats stay in L1, as in <see cref="ActivationBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
[ElementsColumn(Length)]
public class SubnormalActivationBenchmarks
{
    public const int Length = 4096;

    /// <summary>
    /// "normal": uniform in [-10, 10] for both functions. "tiny": for tanh, half subnormal inputs
    /// (tanh(x) ≈ x, so the result is subnormal too) and half log-uniform in [1e-38, 1e-30], either
    /// sign; for sigmoid, uniform in [-120, -80], where the exact result 1/(1 + e^-x) is at most
    /// e^-80 ≈ 1.8e-35 and is subnormal below about -87.3 (or flushes to 0 below about -103.3).
    /// </summary>
    [Params("normal", "tiny")]
    public string Input { get; set; } = "normal";

    private readonly float[] _tanhSource = new float[Length];
    private readonly float[] _sigmoidSource = new float[Length];
    private readonly float[] _destination = new float[Length];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(ElmanData.Seed);
        for (int i = 0; i < Length; i++)
        {
            if (Input == "normal")
            {
                _tanhSource[i] = (float)(random.NextDouble() * 20 - 10);
                _sigmoidSource[i] = (float)(random.NextDouble() * 20 - 10);
                continue;
            }
            float tiny = (i & 1) == 0
                // A random subnormal: exponent bits 0, mantissa bits nonzero.
                ? BitConverter.Int32BitsToSingle(random.Next(1, 1 << 23))
                // 10^u for u in [-38, -30]: every decade of the normal tiny range equally often.
                : (float)Math.Pow(10, -38 + 8 * random.NextDouble());
            _tanhSource[i] = random.Next(2) == 0 ? tiny : -tiny;
            _sigmoidSource[i] = (float)(-120 + 40 * random.NextDouble());
        }
    }

    [Benchmark]
    public void RnnSimdTanh() => Activations.Tanh(_tanhSource, _destination);

    [Benchmark]
    public void TensorPrimitivesTanh() => TensorPrimitives.Tanh(_tanhSource, _destination);

    [Benchmark]
    public void RnnSimdSigmoid() => Activations.Sigmoid(_sigmoidSource, _destination);

    [Benchmark]
    public void TensorPrimitivesSigmoid() => TensorPrimitives.Sigmoid(_sigmoidSource, _destination);
}
