using System.Numerics.Tensors;

namespace RnnSimd.Benchmarks;

/// <summary>
/// The Elman forward a .NET developer would write with System.Numerics.Tensors: vectorised dot
/// products per hidden unit and a vectorised tanh per row, but no blocking, packing or hoisting of
/// the input projection. It shows what RnnSimd's kernels add over the BCL's SIMD primitives.
/// </summary>
public static class TensorPrimitivesElman
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
                ReadOnlySpan<float> xRow = x.Slice((step * b + row) * xs, xs);
                Span<float> hRow = output.Slice((step * b + row) * hs, hs);
                // h_0 = 0 adds nothing: skipping it avoids a zero buffer, not work that counts.
                ReadOnlySpan<float> prev = step > 0 ? output.Slice(((step - 1) * b + row) * hs, hs) : default;
                for (int j = 0; j < hs; j++)
                {
                    float sum = TensorPrimitives.Dot(xRow, weightIh.Slice(j * xs, xs)) + biasIh[j] + biasHh[j];
                    if (!prev.IsEmpty)
                        sum += TensorPrimitives.Dot(prev, weightHh.Slice(j * hs, hs));
                    hRow[j] = sum;
                }
                TensorPrimitives.Tanh(hRow, hRow);
            }
        }
        output.Slice((t - 1) * b * hs, b * hs).CopyTo(finalState);
    }
}
