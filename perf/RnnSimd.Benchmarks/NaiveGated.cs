namespace RnnSimd.Benchmarks;

/// <summary>
/// The textbook scalar GRU and LSTM forward, the gated counterpart of <see cref="NaiveElman"/>: per
/// step, row and hidden unit, one dot product per gate over the input and one over the previous h,
/// the input projection recomputed each step. Float32, PyTorch's formulas and gate order
/// (mission.md §2), h_0 = c_0 = 0. The "what you would write first" baseline that RnnSimd's
/// speed-up over scalar code is quoted against.
/// </summary>
public static class NaiveGated
{
    /// <summary>
    /// Output (T, B, H) receives h_1..h_T, <paramref name="finalHidden"/> (B, H) h_T; for an LSTM,
    /// <paramref name="finalCell"/> (B, H) holds c through the sequence and ends as c_T (it is the
    /// cell state's only buffer, so that a call allocates nothing). Weights (G·H, X) and (G·H, H),
    /// biases (G·H), in PyTorch's gate order.
    /// </summary>
    public static void Forward(RecurrentCell cell, ReadOnlySpan<float> x, int t, int b, int inputSize, int hiddenSize,
        ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh, ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh,
        Span<float> output, Span<float> finalHidden, Span<float> finalCell)
    {
        int xs = inputSize, hs = hiddenSize;
        if (cell == RecurrentCell.Lstm)
            finalCell[..(b * hs)].Clear();
        for (int step = 0; step < t; step++)
        {
            for (int row = 0; row < b; row++)
            {
                ReadOnlySpan<float> xt = x.Slice((step * b + row) * xs, xs);
                int hRow = (step * b + row) * hs;
                // h_0 = 0: the hidden dot products are skipped at the first step (they would add zeros).
                ReadOnlySpan<float> hPrev = step > 0 ? output.Slice(hRow - b * hs, hs) : default;
                for (int j = 0; j < hs; j++)
                {
                    if (cell == RecurrentCell.Gru)
                    {
                        float r = Sigmoid(Dot(xt, weightIh, j, xs) + biasIh[j] + Dot(hPrev, weightHh, j, hs) + biasHh[j]);
                        float z = Sigmoid(Dot(xt, weightIh, hs + j, xs) + biasIh[hs + j] + Dot(hPrev, weightHh, hs + j, hs) + biasHh[hs + j]);
                        // r gates the whole hidden term, b_hn included (PyTorch's GRU).
                        float n = MathF.Tanh(Dot(xt, weightIh, 2 * hs + j, xs) + biasIh[2 * hs + j]
                                             + r * (Dot(hPrev, weightHh, 2 * hs + j, hs) + biasHh[2 * hs + j]));
                        float h = step > 0 ? hPrev[j] : 0f;
                        output[hRow + j] = (1f - z) * n + z * h;
                    }
                    else
                    {
                        float i = Sigmoid(Dot(xt, weightIh, j, xs) + biasIh[j] + Dot(hPrev, weightHh, j, hs) + biasHh[j]);
                        float f = Sigmoid(Dot(xt, weightIh, hs + j, xs) + biasIh[hs + j] + Dot(hPrev, weightHh, hs + j, hs) + biasHh[hs + j]);
                        float g = MathF.Tanh(Dot(xt, weightIh, 2 * hs + j, xs) + biasIh[2 * hs + j] + Dot(hPrev, weightHh, 2 * hs + j, hs) + biasHh[2 * hs + j]);
                        float o = Sigmoid(Dot(xt, weightIh, 3 * hs + j, xs) + biasIh[3 * hs + j] + Dot(hPrev, weightHh, 3 * hs + j, hs) + biasHh[3 * hs + j]);
                        // Unit j's c depends on its own previous value only: updated in place.
                        ref float c = ref finalCell[row * hs + j];
                        c = f * c + i * g;
                        output[hRow + j] = o * MathF.Tanh(c);
                    }
                }
            }
        }
        output.Slice((t - 1) * b * hs, b * hs).CopyTo(finalHidden);
    }

    /// <summary>v · (row <paramref name="row"/> of a row-major matrix <paramref name="columns"/> wide); 0 for an empty v.</summary>
    private static float Dot(ReadOnlySpan<float> v, ReadOnlySpan<float> matrix, int row, int columns)
    {
        if (v.IsEmpty)
            return 0f;
        ReadOnlySpan<float> w = matrix.Slice(row * columns, columns);
        float sum = 0f;
        for (int k = 0; k < columns; k++)
            sum += v[k] * w[k];
        return sum;
    }

    private static float Sigmoid(float v) => 1f / (1f + MathF.Exp(-v));
}
