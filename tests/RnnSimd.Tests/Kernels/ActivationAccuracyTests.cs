using RnnSimd.Tests.Reference;
using RnnSimd.Tests.Support;

namespace RnnSimd.Tests.Kernels;

/// <summary>
/// tanh and sigmoid against the correctly rounded result (computed in double, rounded to float) on a
/// dense sweep of every binade, both signs, on every SIMD path: at most 3 ulp wherever the exact
/// result is a normal float; exactly ±1 / 1 past saturation; exactly 0 where the exact sigmoid is
/// subnormal. The all-floats measurement is tools/ActivationAccuracy (docs/numerics.md).
/// </summary>
public class ActivationAccuracyTests
{
    private const int MaxUlp = 3;

    /// <summary>4,096 evenly spaced significands in each of the 254 normal binades and the subnormals, both signs: 2.1·10⁶ points.</summary>
    private static readonly float[] Sweep = BuildSweep();

    private static float[] BuildSweep()
    {
        var values = new List<float>(2 * 255 * 4096 + 16);
        for (int exponent = 0; exponent <= 254; exponent++)
            for (int step = 0; step < 4096; step++)
            {
                int bits = (exponent << 23) | (step << 11) | (step & 0x7FF);
                values.Add(BitConverter.Int32BitsToSingle(bits));
                values.Add(-BitConverter.Int32BitsToSingle(bits));
            }
        values.AddRange([float.MaxValue, -float.MaxValue, float.Epsilon, -float.Epsilon, 0f, -0f,
            float.PositiveInfinity, float.NegativeInfinity]);
        return values.ToArray();
    }

    private static readonly float TanhSaturation = SmallestWhere(x => (float)Math.Tanh(x) == 1f, 8f);
    private static readonly float SigmoidSaturation = SmallestWhere(x => (float)Sigmoid(x) == 1f, 15f);

    private static float SmallestWhere(Func<double, bool> predicate, float start)
    {
        float x = start;
        while (!predicate(x))
            x = MathF.BitIncrement(x);
        return x;
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Tanh_is_within_3_ulp_saturates_exactly_and_never_returns_a_subnormal(SimdPath path)
    {
        var result = new float[Sweep.Length];
        Activations.Tanh(Sweep, result, path);
        var failures = new List<string>();
        for (int i = 0; i < Sweep.Length; i++)
        {
            float x = Sweep[i];
            double exact = Math.Tanh(x);
            float rounded = (float)exact;
            if (Math.Abs(x) >= TanhSaturation)
            {
                if (result[i] != MathF.CopySign(1f, x))
                    failures.Add($"tanh({x:R}) = {result[i]:R}, expected exactly {MathF.CopySign(1f, x)}");
            }
            else if (!float.IsNormal(x))
            {
                if (BitConverter.SingleToInt32Bits(result[i]) != BitConverter.SingleToInt32Bits(MathF.CopySign(0f, x)))
                    failures.Add($"tanh({x:R}) = {result[i]:R}, expected {MathF.CopySign(0f, x)} (no subnormal results)");
            }
            else if (float.IsNormal(rounded) && Ulp.Distance(result[i], rounded) > MaxUlp)
            {
                failures.Add($"tanh({x:R}) = {result[i]:R}, expected {rounded:R} ({Ulp.Distance(result[i], rounded)} ulp)");
            }
            if (failures.Count >= 10)
                break;
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Sigmoid_is_within_3_ulp_saturates_exactly_and_never_returns_a_subnormal(SimdPath path)
    {
        var result = new float[Sweep.Length];
        Activations.Sigmoid(Sweep, result, path);
        var failures = new List<string>();
        double smallestNormal = Math.Pow(2, -126);
        for (int i = 0; i < Sweep.Length; i++)
        {
            float x = Sweep[i];
            double exact = Sigmoid(x);
            float rounded = (float)exact;
            if (x >= SigmoidSaturation)
            {
                if (result[i] != 1f)
                    failures.Add($"sigmoid({x:R}) = {result[i]:R}, expected exactly 1");
            }
            else if (exact < smallestNormal)
            {
                if (BitConverter.SingleToInt32Bits(result[i]) != 0)
                    failures.Add($"sigmoid({x:R}) = {result[i]:R}, expected exactly +0 (the exact result is subnormal)");
            }
            else if (Ulp.Distance(result[i], rounded) > MaxUlp)
            {
                failures.Add($"sigmoid({x:R}) = {result[i]:R}, expected {rounded:R} ({Ulp.Distance(result[i], rounded)} ulp)");
            }
            if (failures.Count >= 10)
                break;
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Special_values(SimdPath path)
    {
        float[] nans = [float.NaN, BitConverter.Int32BitsToSingle(0x7FC00001), BitConverter.Int32BitsToSingle(unchecked((int)0xFFC12345)), BitConverter.Int32BitsToSingle(0x7F800001)];
        float[] x = [.. nans, 0f, -0f, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, -float.Epsilon];
        var tanh = new float[x.Length];
        var sigmoid = new float[x.Length];
        var relu = new float[x.Length];
        Activations.Tanh(x, tanh, path);
        Activations.Sigmoid(x, sigmoid, path);
        Activations.Relu(x, relu, path);
        for (int i = 0; i < nans.Length; i++)
        {
            Assert.True(float.IsNaN(tanh[i]), $"tanh(NaN #{i}) = {tanh[i]}");
            Assert.True(float.IsNaN(sigmoid[i]), $"sigmoid(NaN #{i}) = {sigmoid[i]}");
            Assert.True(float.IsNaN(relu[i]), $"relu(NaN #{i}) = {relu[i]}");
        }
        int o = nans.Length;
        Assert.Equal(BitConverter.SingleToInt32Bits(0f), BitConverter.SingleToInt32Bits(tanh[o]));
        Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(tanh[o + 1]));
        Assert.Equal([1f, -1f], tanh[(o + 2)..(o + 4)]);
        Assert.Equal([0.5f, 0.5f, 1f, 0f], sigmoid[o..(o + 4)]);
        Assert.Equal([0f, -0f, float.PositiveInfinity, 0f], relu[o..(o + 4)]);
        Assert.Equal(0.5f, sigmoid[o + 4]);
        Assert.Equal(BitConverter.SingleToInt32Bits(0f), BitConverter.SingleToInt32Bits(tanh[o + 4]));
        Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(tanh[o + 5]));
    }

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Maps_run_in_place_at_every_length_around_the_width(SimdPath path)
    {
        int lanes = Isa.Lanes(path);
        var rng = new Random(7);
        for (int n = 0; n <= 3 * lanes + 2; n++)
        {
            float[] x = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 20 - 10)).ToArray();
            var expected = new float[n];
            Activations.Tanh(x, expected, path);
            float[] inPlace = (float[])x.Clone();
            Activations.Tanh(inPlace, inPlace, path);
            Expect.BitIdentical(inPlace, expected, $"in-place tanh, n={n}");
        }
    }
}
