using RnnSimd.Tests.Infrastructure;
using Xunit.Sdk;

namespace RnnSimd.Tests.TailSafety;

/// <summary>
/// The element-wise maps at every length around the vector width, with the span flush against a
/// guard page on either side: the overlapping last vector must stay inside, and the lanes it
/// computes twice must still come out right. Accuracy proper is tested elsewhere; the tolerance here
/// only has to tell a right lane from a wrong one.
/// </summary>
public class ActivationTailTests
{
    public static TheoryData<SimdPath> Paths => TailCheck.Paths();

    public delegate void Map(ReadOnlySpan<float> source, Span<float> destination, SimdPath? path);

    [Theory, MemberData(nameof(Paths))]
    public void Tanh(SimdPath path) => Sweep(path, "Tanh", Activations.Tanh, Math.Tanh);

    [Theory, MemberData(nameof(Paths))]
    public void Sigmoid(SimdPath path) => Sweep(path, "Sigmoid", Activations.Sigmoid, x => 1 / (1 + Math.Exp(-x)));

    [Theory, MemberData(nameof(Paths))]
    public void Relu(SimdPath path) => Sweep(path, "Relu", Activations.Relu, x => x < 0 ? 0 : x);

    private static void Sweep(SimdPath path, string name, Map map, Func<double, double> reference)
    {
        int lanes = Isa.Lanes(path);
        int maxLength = 3 * (2 * lanes) + 3;
        using var source = new GuardedBuffer(0, GuardSide.End, capacity: maxLength);
        using var destination = new GuardedBuffer(0, GuardSide.End, capacity: maxLength);

        for (int n = 0; n <= maxLength; n++)
        {
            float[] input = Inputs(n, seed: n * 31 + (int)path);
            foreach (var sourceSide in TailCheck.Sides)
            {
                foreach (var destinationSide in TailCheck.Sides)
                {
                    string context = $"{name} {path} n={n} source {sourceSide}-guarded, destination {destinationSide}-guarded";
                    Span<float> src = TailCheck.PlaceWith(source, input, sourceSide);
                    // Left as sentinel NaNs: a lane the kernel forgets to write fails the comparison.
                    destination.Place(n, destinationSide);
                    map(src, destination.Span, path);
                    Verify(input, destination.Span, reference, context);
                    TailCheck.AssertBitEqual(input, source.Span, context + " (source modified)");
                    TailCheck.AssertSlackIntact(context, source, destination);
                }

                string inPlace = $"{name} {path} n={n} in place, {sourceSide}-guarded";
                Span<float> buffer = TailCheck.PlaceWith(source, input, sourceSide);
                map(buffer, buffer, path);
                Verify(input, source.Span, reference, inPlace);
                TailCheck.AssertSlackIntact(inPlace, source);
            }
        }
    }

    /// <summary>Values in both tanh branches (|x| &lt; 0.625 and above), some past saturation, none equal.</summary>
    private static float[] Inputs(int n, int seed)
    {
        float[] values = TailCheck.Values(n, seed);
        float[] scales = [0.6f, 4f, 12f];
        for (int i = 0; i < n; i++)
            values[i] *= scales[i % scales.Length];
        return values;
    }

    private static void Verify(float[] input, ReadOnlySpan<float> output, Func<double, double> reference, string context)
    {
        for (int i = 0; i < input.Length; i++)
        {
            double expected = reference(input[i]);
            if (!TailCheck.Close(expected, output[i], absolute: 1e-6, ulps: 4))
                throw new XunitException(
                    $"{context}: element {i} of {input.Length} is {output[i]:R} for input {input[i]:R}; expected {expected:R}.");
        }
    }
}
