using System.Numerics.Tensors;

namespace RnnSimd.Benchmarks;

/// <summary>
/// The Elman forward of <see cref="NaiveElman"/> in double precision: the reference every
/// contender's full output is measured against (MaxAbsErr). Its own rounding (~1e-15) is far below
/// float32's, so the difference is the contender's error, not the reference's. Vectorised dot
/// products keep S5 at about a second, where the scalar float reference takes ten per process.
/// </summary>
public static class DoubleElman
{
    /// <summary>h_1..h_T, (T, B, H), of the data's whole sequence.</summary>
    public static double[] Forward(ElmanData data)
    {
        ElmanShape s = data.Shape;
        double[] x = ToDouble(data.Input);
        double[] weightIh = ToDouble(data.WeightIh);
        double[] weightHh = ToDouble(data.WeightHh);
        var bias = new double[s.H];
        for (int j = 0; j < s.H; j++)
            bias[j] = (double)data.BiasIh[j] + data.BiasHh[j];

        var output = new double[s.T * s.B * s.H];
        for (int step = 0; step < s.T; step++)
        {
            // j outside, rows inside: one weight row serves the whole batch while it is in L1.
            for (int j = 0; j < s.H; j++)
            {
                ReadOnlySpan<double> wIh = weightIh.AsSpan(j * s.X, s.X);
                ReadOnlySpan<double> wHh = weightHh.AsSpan(j * s.H, s.H);
                for (int row = 0; row < s.B; row++)
                {
                    double sum = bias[j] + TensorPrimitives.Dot(x.AsSpan((step * s.B + row) * s.X, s.X), wIh);
                    if (step > 0)
                        sum += TensorPrimitives.Dot(output.AsSpan(((step - 1) * s.B + row) * s.H, s.H), wHh);
                    output[(step * s.B + row) * s.H + j] = Math.Tanh(sum);
                }
            }
        }
        return output;
    }

    internal static double[] ToDouble(float[] values)
    {
        var result = new double[values.Length];
        TensorPrimitives.ConvertChecked<float, double>(values, result);
        return result;
    }
}
