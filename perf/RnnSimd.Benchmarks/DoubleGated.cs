using System.Numerics.Tensors;

namespace RnnSimd.Benchmarks;

/// <summary>
/// The GRU and LSTM forward of <see cref="NaiveGated"/> in double precision: the reference every
/// contender's whole output (and an LSTM's c_T) is measured against, as <see cref="DoubleElman"/>
/// is for the Elman layer. Each gate's two products are kept apart, x·W_ihᵀ + b_ih and
/// h·W_hhᵀ + b_hh, because the GRU's reset gate multiplies the second alone.
/// </summary>
public static class DoubleGated
{
    /// <param name="Output">h_1..h_T, (T, B, H).</param>
    /// <param name="FinalCell">c_T, (B, H), for an LSTM; empty for a GRU.</param>
    public sealed record Result(double[] Output, double[] FinalCell);

    public static Result Forward(GatedData data)
    {
        GatedShape shape = data.Shape;
        ElmanShape s = shape.Shape;
        int hs = s.H, rows = shape.Gates * s.H;
        double[] x = DoubleElman.ToDouble(data.Input);
        double[] weightIh = DoubleElman.ToDouble(data.WeightIh);
        double[] weightHh = DoubleElman.ToDouble(data.WeightHh);

        var output = new double[s.T * s.B * hs];
        var hidden = new double[s.B * hs]; // h_{t−1}, h_0 = 0
        var cell = new double[shape.Cell == RecurrentCell.Lstm ? s.B * hs : 0];
        var fromInput = new double[s.B * rows]; // x_t·W_ihᵀ + b_ih, (B, G·H)
        var fromHidden = new double[s.B * rows]; // h_{t−1}·W_hhᵀ + b_hh, (B, G·H)
        for (int step = 0; step < s.T; step++)
        {
            // Gate row outside, batch rows inside: one weight row serves the whole batch while it is in L1.
            for (int r = 0; r < rows; r++)
            {
                ReadOnlySpan<double> wIh = weightIh.AsSpan(r * s.X, s.X);
                ReadOnlySpan<double> wHh = weightHh.AsSpan(r * hs, hs);
                for (int row = 0; row < s.B; row++)
                {
                    fromInput[row * rows + r] = data.BiasIh[r] + TensorPrimitives.Dot(x.AsSpan((step * s.B + row) * s.X, s.X), wIh);
                    fromHidden[row * rows + r] = data.BiasHh[r] + TensorPrimitives.Dot(hidden.AsSpan(row * hs, hs), wHh);
                }
            }
            for (int row = 0; row < s.B; row++)
            {
                ReadOnlySpan<double> xi = fromInput.AsSpan(row * rows, rows);
                ReadOnlySpan<double> hh = fromHidden.AsSpan(row * rows, rows);
                Span<double> h = output.AsSpan((step * s.B + row) * hs, hs);
                for (int j = 0; j < hs; j++)
                {
                    if (shape.Cell == RecurrentCell.Gru)
                    {
                        double reset = Sigmoid(xi[j] + hh[j]);
                        double update = Sigmoid(xi[hs + j] + hh[hs + j]);
                        double n = Math.Tanh(xi[2 * hs + j] + reset * hh[2 * hs + j]);
                        h[j] = (1 - update) * n + update * hidden[row * hs + j];
                    }
                    else
                    {
                        double i = Sigmoid(xi[j] + hh[j]);
                        double f = Sigmoid(xi[hs + j] + hh[hs + j]);
                        double g = Math.Tanh(xi[2 * hs + j] + hh[2 * hs + j]);
                        double o = Sigmoid(xi[3 * hs + j] + hh[3 * hs + j]);
                        ref double c = ref cell[row * hs + j];
                        c = f * c + i * g;
                        h[j] = o * Math.Tanh(c);
                    }
                }
            }
            output.AsSpan(step * s.B * hs, s.B * hs).CopyTo(hidden);
        }
        return new Result(output, cell);
    }

    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));
}
