using FsCheck;
using FsCheck.Fluent;
using RnnSimd.Tests.Generators;
using RnnSimd.Tests.Reference;
using RnnSimd.Tests.Support;

namespace RnnSimd.Tests.Models;

/// <summary>
/// NaN and infinities in the data are data: they propagate as IEEE arithmetic does (checked against
/// the oracle fed the engine's own state), never an exception, a hang or a crash.
/// </summary>
public class SpecialValueTests
{
    private static readonly float[] Specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1e30f, -1e30f];

    private static Arbitrary<(ElmanCase Case, int Position, int Special)> Cases() =>
        Arb.From(
            from c in Arbitraries.ElmanCases(maxSteps: 5, maxBatch: 4).Generator
            from position in Gen.Choose(0, int.MaxValue)
            from special in Gen.Choose(0, Specials.Length - 1)
            select (c, position, special));

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Special_values_in_x_propagate_like_the_oracle(SimdPath path) =>
        Properties.Check(Cases(), p =>
        {
            var c = p.Case;
            var d = c.Data();
            d.X[p.Position % d.X.Length] = Specials[p.Special];
            using var layer = d.Layer(path);
            var oracle = d.LayerOracle();
            var session = layer.CreateSession(c.T, c.B);
            var output = new float[c.T * c.B * c.H];
            var final = new float[c.B * c.H];
            session.Forward(d.X, c.T, c.B, output, final, d.InitialState);

            var previous = c.InitialState ? d.InitialState : new float[c.B * c.H];
            var zeroError = new double[c.H];
            for (int t = 0; t < c.T; t++)
            {
                for (int b = 0; b < c.B; b++)
                {
                    var (want, bound) = oracle.Step(
                        ElmanData.ToDouble(d.X.AsSpan((t * c.B + b) * c.X, c.X)),
                        ElmanData.ToDouble(previous.AsSpan(b * c.H, c.H)), zeroError);
                    Expect.Within(output.AsSpan((t * c.B + b) * c.H, c.H), want, bound, $"h at t={t}, row {b}", c.H);
                }
                previous = output.AsSpan(t * c.B * c.H, c.B * c.H).ToArray();
            }
        });

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void NaN_weights_make_NaN_outputs_without_error(SimdPath path)
    {
        var c = new ElmanCase(3, 2, 9, 17, 3, true, Nonlinearity.Tanh, false, 1f, 3);
        var d = c.Data();
        d.WeightHh[5] = float.NaN;
        using var net = d.Network(path);
        var outputs = new float[c.T * c.B * c.Y];
        var final = new float[c.B * c.H];
        net.CreateSession(c.T, c.B).Forward(d.X, c.T, c.B, outputs, final);
        // NaN in W_hh reaches every hidden unit from the second step on, then every output.
        Assert.All(outputs.AsSpan(c.B * c.Y).ToArray(), v => Assert.True(float.IsNaN(v)));
    }
}
