namespace RnnSimd.Benchmarks;

/// <summary>
/// The textbook scalar Elman forward: one dot product per hidden unit, per row, per step, the
/// input projection recomputed each step. It is the "what you would write first" baseline, and
/// the reference the faster contenders are checked against.
/// </summary>
public static class NaiveElman
{
    /// <summary>h_t = tanh(x_t·W_ihᵀ + b_ih + h_{t-1}·W_hhᵀ + b_hh), h_0 = 0.</summary>
    public static void Forward(ReadOnlySpan<float> x, int t, int b, int inputSize, int hiddenSize,
        ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh, ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh,
        Span<float> output, Span<float> finalState)
    {
        int xs = inputSize, hs = hiddenSize;
        for (int step = 0; step < t; step++)
        {
            for (int row = 0; row < b; row++)
            {
                int xRow = (step * b + row) * xs;
                int hRow = (step * b + row) * hs;
                int prevRow = hRow - b * hs;
                for (int j = 0; j < hs; j++)
                {
                    float sum = biasIh[j] + biasHh[j];
                    for (int k = 0; k < xs; k++)
                        sum += x[xRow + k] * weightIh[j * xs + k];
                    // h_0 = 0 adds nothing: skipping it avoids a zero buffer, not work that counts.
                    if (step > 0)
                    {
                        for (int k = 0; k < hs; k++)
                            sum += output[prevRow + k] * weightHh[j * hs + k];
                    }
                    output[hRow + j] = MathF.Tanh(sum);
                }
            }
        }
        output.Slice((t - 1) * b * hs, b * hs).CopyTo(finalState);
    }
}
