using RnnSimd.Tests.Generators;
using RnnSimd.Tests.Infrastructure;

namespace RnnSimd.Tests.TailSafety;

/// <summary>
/// The PyTorch family's Forward and Step with every caller buffer exactly sized and flush against a
/// guard page, for hidden sizes around each path's chunk width (padded gate layouts, partial chunks,
/// projections): any read or write past a caller's buffer faults. Results must be the bits of the
/// same call on ordinary arrays.
/// </summary>
public class RecurrentTailTests
{
    public static TheoryData<SimdPath> Paths => TailCheck.Paths();

    [Theory, MemberData(nameof(Paths))]
    public void Forward_and_Step_stay_inside_the_callers_buffers(SimdPath path)
    {
        int chunk = 2 * Isa.Lanes(path);
        int[] hiddens = new[] { 1, chunk - 1, chunk + 1, 2 * chunk + 3 }.Where(h => h >= 1).Distinct().ToArray();
        int checkedCases = 0;
        foreach (RecurrentCell cell in Enum.GetValues<RecurrentCell>())
        foreach (int h in hiddens)
        foreach (bool bidirectional in new[] { false, true })
        foreach (bool lengths in new[] { false, true })
        {
            int proj = cell == RecurrentCell.Lstm && h > 2 ? h / 2 : 0;
            foreach (int batch in new[] { 1, 3 })
            {
                var c = new RecurrentCase(cell, Nonlinearity.Tanh, 2, bidirectional, true, proj, T: 3, B: batch, X: chunk + 1, H: h,
                    BatchFirst: lengths, H0: true, C0: cell == RecurrentCell.Lstm, Lengths: lengths, Scale: 1f, Seed: h * 7 + batch);
                CheckCase(c, path);
                checkedCases++;
            }
        }
        Assert.True(checkedCases > 0);
    }

    private static void CheckCase(RecurrentCase c, SimdPath path)
    {
        var d = c.Data();
        RecurrentSpec spec = c.Spec;
        using var network = d.Network(path);
        using var session = network.CreateSession(c.T, c.B);
        float[] x = d.CallX;
        int outputLength = c.T * c.B * spec.OutputSize;
        int hnLength = spec.StateCount * c.B * spec.HiddenOutputSize;
        int cnLength = spec.HasCellState ? spec.StateCount * c.B * c.H : 0;

        var expectedOutput = new float[outputLength];
        var expectedHn = new float[hnLength];
        var expectedCn = new float[cnLength];
        session.Forward(x, c.T, c.B, expectedOutput, expectedHn, expectedCn, d.InitialHidden, d.InitialCell, d.Lengths, c.BatchFirst);

        foreach (GuardSide side in TailCheck.Sides)
        {
            string context = $"{c} on {path}, {side}-guarded";
            using var gx = new GuardedBuffer(x.Length);
            using var gOut = new GuardedBuffer(outputLength);
            using var gHn = new GuardedBuffer(hnLength);
            using var gCn = new GuardedBuffer(cnLength);
            using var gH0 = new GuardedBuffer(d.InitialHidden.Length);
            using var gC0 = new GuardedBuffer(d.InitialCell.Length);
            TailCheck.PlaceWith(gx, x, side);
            TailCheck.PlaceWith(gH0, d.InitialHidden, side);
            TailCheck.PlaceWith(gC0, d.InitialCell, side);
            gOut.Place(outputLength, side);
            gHn.Place(hnLength, side);
            gCn.Place(cnLength, side);
            session.Forward(gx.Span, c.T, c.B, gOut.Span, gHn.Span, gCn.Span, gH0.Span, gC0.Span, d.Lengths, c.BatchFirst);
            TailCheck.AssertBitEqual(expectedOutput, gOut.Span, context + " output");
            TailCheck.AssertBitEqual(expectedHn, gHn.Span, context + " h_n");
            TailCheck.AssertBitEqual(expectedCn, gCn.Span, context + " c_n");
            TailCheck.AssertSlackIntact(context, gx, gOut, gHn, gCn, gH0, gC0);

            if (c.Bidirectional || c.Lengths)
                continue;
            // Step: x_t and h_t exactly sized and guarded; the states of Reset and CopyState too.
            int stepIn = c.B * c.X, stepOut = c.B * spec.HiddenOutputSize;
            int stateH = spec.NumLayers * c.B * spec.HiddenOutputSize, stateC = spec.HasCellState ? spec.NumLayers * c.B * c.H : 0;
            using var gStepX = new GuardedBuffer(stepIn);
            using var gStepY = new GuardedBuffer(stepOut);
            using var gStateH = new GuardedBuffer(stateH);
            using var gStateC = new GuardedBuffer(stateC);
            TailCheck.PlaceWith(gStateH, d.InitialHidden.AsSpan(0, stateH), side);
            TailCheck.PlaceWith(gStateC, d.InitialCell.AsSpan(0, stateC), side);
            session.Reset(gStateH.Span, gStateC.Span, c.B);
            for (int t = 0; t < c.T; t++)
            {
                TailCheck.PlaceWith(gStepX, x.AsSpan(t * stepIn, stepIn), side);
                gStepY.Place(stepOut, side);
                session.Step(gStepX.Span, gStepY.Span);
                TailCheck.AssertBitEqual(expectedOutput.AsSpan(t * stepOut, stepOut), gStepY.Span, $"{context} Step {t}");
            }
            gStateH.Place(stateH, side);
            gStateC.Place(stateC, side);
            session.CopyState(gStateH.Span, gStateC.Span);
            TailCheck.AssertBitEqual(expectedHn, gStateH.Span, context + " CopyState hidden");
            TailCheck.AssertBitEqual(expectedCn, gStateC.Span, context + " CopyState cell");
            TailCheck.AssertSlackIntact(context + " (Step)", gStepX, gStepY, gStateH, gStateC);
        }
    }
}
