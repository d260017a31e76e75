using RnnSimd.Tests.Generators;
using RnnSimd.Tests.Reference;
using RnnSimd.Tests.Support;

namespace RnnSimd.Tests.Models;

/// <summary>The nn.RNN-convention layer against the double-precision oracle, on every SIMD path.</summary>
public class ElmanLayerPropertyTests
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
            using var layer = d.Layer(path);
            var session = layer.CreateSession(c.T, c.B);
            var output = new float[c.T * c.B * c.H];
            var final = new float[c.B * c.H];
            session.Forward(d.X, c.T, c.B, output, final, d.InitialState);

            var expected = d.LayerOracle().Forward(d.X, c.T, c.B, c.InitialState ? d.InitialState : null);
            Expect.Within(output, expected.Hidden, expected.HiddenBound, "output", c.H);
            int last = (c.T - 1) * c.B * c.H;
            Expect.Within(final, expected.Hidden.AsSpan(last), expected.HiddenBound.AsSpan(last), "finalState", c.H);
            if (Expect.Informative(expected.Hidden, expected.HiddenBound)) informative++;
        });
        Assert.True(informative >= 0.7 * cases, $"Only {informative} of {cases} cases had tight bounds.");
    }

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Each_step_is_within_the_one_step_bound_of_the_oracle_fed_the_engine_state(SimdPath path) =>
        Properties.Check(Arbitraries.ElmanCases(), c =>
        {
            var d = c.Data();
            using var layer = d.Layer(path);
            var oracle = d.LayerOracle();
            var session = layer.CreateSession(1, c.B);
            if (c.InitialState)
                session.Reset(d.InitialState, c.B);
            else
                session.Reset(c.B);
            var h = new float[c.B * c.H];
            var zeroError = new double[c.H];
            for (int t = 0; t < c.T; t++)
            {
                float[] previous = session.State.ToArray();
                ReadOnlySpan<float> xt = d.X.AsSpan(t * c.B * c.X, c.B * c.X);
                session.Step(xt, h);
                Expect.BitIdentical(session.State, h, "State after Step");
                for (int b = 0; b < c.B; b++)
                {
                    var (want, bound) = oracle.Step(
                        ElmanData.ToDouble(xt.Slice(b * c.X, c.X)),
                        ElmanData.ToDouble(previous.AsSpan(b * c.H, c.H)), zeroError);
                    Expect.Within(h.AsSpan(b * c.H, c.H), want, bound, $"h at t={t}, batch row {b}", c.H);
                }
            }
        });

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Forward_equals_repeated_Step_bit_for_bit(SimdPath path) =>
        Properties.Check(Arbitraries.ElmanCases(), c =>
        {
            var d = c.Data();
            using var layer = d.Layer(path);
            var session = layer.CreateSession(c.T, c.B);
            var output = new float[c.T * c.B * c.H];
            var final = new float[c.B * c.H];
            session.Forward(d.X, c.T, c.B, output, final, d.InitialState);

            if (c.InitialState) session.Reset(d.InitialState, c.B); else session.Reset(c.B);
            var h = new float[c.B * c.H];
            for (int t = 0; t < c.T; t++)
            {
                session.Step(d.X.AsSpan(t * c.B * c.X, c.B * c.X), h);
                Expect.BitIdentical(h, output.AsSpan(t * c.B * c.H, c.B * c.H), $"Step {t} vs Forward");
            }
            Expect.BitIdentical(final, h, "finalState vs last Step");
        });

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void A_sequence_cut_into_pieces_of_even_length_gives_the_bits_of_one_Forward(SimdPath path) =>
        Properties.Check(Arbitraries.ElmanCases(), c =>
        {
            // docs/numerics.md: at batch 1 odd steps take k downwards, counted from each Forward's
            // first step, so pieces of even length (the last one any) keep every step's parity.
            var d = c.Data();
            using var layer = d.Layer(path);
            var session = layer.CreateSession(c.T, c.B);
            var expected = new float[c.T * c.B * c.H];
            var expectedFinal = new float[c.B * c.H];
            session.Forward(d.X, c.T, c.B, expected, expectedFinal, d.InitialState);
            var output = new float[c.T * c.B * c.H];
            var state = d.InitialState.ToArray();
            var final = new float[c.B * c.H];
            for (int start = 0; start < c.T;)
            {
                int steps = Math.Min(2 * (1 + start % 3), c.T - start);
                session.Forward(d.X.AsSpan(start * c.B * c.X, steps * c.B * c.X), steps, c.B,
                    output.AsSpan(start * c.B * c.H, steps * c.B * c.H), final, state);
                state = final.ToArray();
                start += steps;
            }
            Expect.BitIdentical(output, expected, "pieces against one Forward");
            Expect.BitIdentical(final, expectedFinal, "final state");
        });

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Projecting_in_blocks_of_any_size_changes_no_bit(SimdPath path) =>
        Properties.Check(Arbitraries.ElmanCases(), c =>
        {
            var d = c.Data();
            using var layer = d.Layer(path);
            var whole = layer.CreateSession(c.T, c.B);
            var blocked = layer.CreateSession(c.T, c.B);
            var expected = new float[c.T * c.B * c.H];
            var expectedFinal = new float[c.B * c.H];
            whole.Forward(d.X, c.T, c.B, expected, expectedFinal, d.InitialState);
            var output = new float[c.T * c.B * c.H];
            var final = new float[c.B * c.H];
            // Blocks of 1–12 rows cut these sequences at every step boundary.
            for (int blockRows = 1; blockRows <= 12; blockRows++)
            {
                blocked.Runner.ProjectionBlockRows = blockRows;
                blocked.Forward(d.X, c.T, c.B, output, final, d.InitialState);
                Expect.BitIdentical(output, expected, $"output, blocks of {blockRows} rows");
                Expect.BitIdentical(final, expectedFinal, $"finalState, blocks of {blockRows} rows");
            }
        });
}
