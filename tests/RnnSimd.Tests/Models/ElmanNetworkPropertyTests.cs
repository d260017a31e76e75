using RnnSimd.Tests.Generators;
using RnnSimd.Tests.Reference;
using RnnSimd.Tests.Support;

namespace RnnSimd.Tests.Models;

/// <summary>The reference network (mission §1) against the double-precision oracle, on every SIMD path.</summary>
public class ElmanNetworkPropertyTests
{
    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Forward_is_within_the_sequence_bound_of_the_oracle(SimdPath path)
    {
        // The bound grows where the network amplifies differences (by up to the norm of |W_hh| per
        // step); a case whose bound is loose tests little, so most cases must be tight
        // (Expect.Informative), or the test fails. Hence no saturating weight scale here: the
        // one-step test covers those, with the oracle fed the engine's own state.
        int cases = 0, informative = 0;
        Properties.Check(Arbitraries.ElmanCases(scales: [0.5f, 1f]), c =>
        {
            cases++;
            var d = c.Data();
            using var net = d.Network(path);
            var session = net.CreateSession(c.T, c.B);
            var outputs = new float[c.T * c.B * c.Y];
            var final = new float[c.B * c.H];
            session.Forward(d.X, c.T, c.B, outputs, final, d.InitialState);

            var expected = d.NetworkOracle().Forward(d.X, c.T, c.B, c.InitialState ? d.InitialState : null);
            Expect.Within(outputs, expected.Output, expected.OutputBound, "outputs", c.Y);
            int last = (c.T - 1) * c.B * c.H;
            Expect.Within(final, expected.Hidden.AsSpan(last), expected.HiddenBound.AsSpan(last), "finalState", c.H);
            if (Expect.Informative(expected.Output, expected.OutputBound)) informative++;
        });
        Assert.True(informative >= 0.7 * cases, $"Only {informative} of {cases} cases had tight bounds.");
    }

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Each_step_is_within_the_one_step_bound_of_the_oracle_fed_the_engine_state(SimdPath path) =>
        Properties.Check(Arbitraries.ElmanCases(), c =>
        {
            var d = c.Data();
            using var net = d.Network(path);
            var oracle = d.NetworkOracle();
            var session = net.CreateSession(1, c.B);
            if (c.InitialState) session.Reset(d.InitialState, c.B); else session.Reset(c.B);
            var y = new float[c.B * c.Y];
            var zeroError = new double[c.H];
            for (int t = 0; t < c.T; t++)
            {
                float[] previous = session.State.ToArray();
                ReadOnlySpan<float> xt = d.X.AsSpan(t * c.B * c.X, c.B * c.X);
                session.Step(xt, y);
                float[] current = session.State.ToArray();
                for (int b = 0; b < c.B; b++)
                {
                    var (want, bound) = oracle.Step(
                        ElmanData.ToDouble(xt.Slice(b * c.X, c.X)),
                        ElmanData.ToDouble(previous.AsSpan(b * c.H, c.H)), zeroError);
                    Expect.Within(current.AsSpan(b * c.H, c.H), want, bound, $"h at t={t}, batch row {b}", c.H);
                    var (wantY, boundY) = oracle.Head(ElmanData.ToDouble(current.AsSpan(b * c.H, c.H)), zeroError);
                    Expect.Within(y.AsSpan(b * c.Y, c.Y), wantY, boundY, $"y at t={t}, batch row {b}", c.Y);
                }
            }
        });

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Forward_equals_repeated_Step_bit_for_bit(SimdPath path) =>
        Properties.Check(Arbitraries.ElmanCases(), c =>
        {
            var d = c.Data();
            using var net = d.Network(path);
            var session = net.CreateSession(c.T, c.B);
            var outputs = new float[c.T * c.B * c.Y];
            var final = new float[c.B * c.H];
            session.Forward(d.X, c.T, c.B, outputs, final, d.InitialState);

            if (c.InitialState) session.Reset(d.InitialState, c.B); else session.Reset(c.B);
            var y = new float[c.B * c.Y];
            for (int t = 0; t < c.T; t++)
            {
                session.Step(d.X.AsSpan(t * c.B * c.X, c.B * c.X), y);
                Expect.BitIdentical(y, outputs.AsSpan(t * c.B * c.Y, c.B * c.Y), $"Step {t} vs Forward");
            }
            Expect.BitIdentical(final, session.State, "finalState vs state after the last Step");
        });
}
