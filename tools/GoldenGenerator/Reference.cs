namespace RnnSimd.GoldenGenerator;

/// <summary>
/// PyTorch's nn.RNN / GRU / LSTM forward written out as plain double loops, from the formulas in
/// PyTorch's documentation, to check that the generated files mean what we think they mean
/// (key names, gate order, direction order, lengths, projection). Nothing here calls libtorch.
/// </summary>
public static class Reference
{
    /// <param name="p">state_dict without prefix: key → values (row-major).</param>
    /// <param name="x">Time-major input (T, B, X).</param>
    /// <param name="h0">(D·L, B, H_out) or null for zeros.</param>
    /// <param name="c0">(D·L, B, H) or null for zeros.</param>
    /// <param name="lengths">Valid steps per batch entry, or null for T each.</param>
    /// <returns>output (T, B, D·H_out) time-major with zeros past each length; h_n (D·L, B, H_out); c_n (D·L, B, H).</returns>
    public static (double[] Output, double[] HN, double[] CN) Forward(
        GoldenCase c, IReadOnlyDictionary<string, double[]> p, double[] x, double[]? h0, double[]? c0, long[]? lengths)
    {
        int t = c.SeqLen, batch = c.Batch, hidden = c.HiddenSize, hOut = c.OutputHidden, dirs = c.Directions, g = c.Gates;
        double[] input = x;
        int inputSize = c.InputSize;
        var hn = new double[c.NumLayers * dirs * batch * hOut];
        var cn = new double[c.NumLayers * dirs * batch * hidden];

        for (int layer = 0; layer < c.NumLayers; layer++)
        {
            var output = new double[t * batch * dirs * hOut];
            for (int d = 0; d < dirs; d++)
            {
                string suffix = $"_l{layer}{(d == 1 ? "_reverse" : "")}";
                double[] wIh = p[$"weight_ih{suffix}"], wHh = p[$"weight_hh{suffix}"];
                double[] bIh = c.Bias ? p[$"bias_ih{suffix}"] : new double[g * hidden];
                double[] bHh = c.Bias ? p[$"bias_hh{suffix}"] : new double[g * hidden];
                double[]? wHr = c.ProjSize > 0 ? p[$"weight_hr{suffix}"] : null;
                int state = layer * dirs + d;

                for (int b = 0; b < batch; b++)
                {
                    var h = new double[hOut];
                    var cell = new double[hidden];
                    if (h0 is not null)
                        Array.Copy(h0, (state * batch + b) * hOut, h, 0, hOut);
                    if (c0 is not null)
                        Array.Copy(c0, (state * batch + b) * hidden, cell, 0, hidden);
                    int length = lengths is null ? t : (int)lengths[b];

                    for (int s = 0; s < length; s++)
                    {
                        int step = d == 0 ? s : length - 1 - s;
                        var gi = Affine(wIh, bIh, input, (step * batch + b) * inputSize, inputSize, g * hidden);
                        var gh = Affine(wHh, bHh, h, 0, hOut, g * hidden);
                        h = c.Cell switch
                        {
                            "rnn" => Elman(gi, gh, c.Nonlinearity!),
                            "gru" => Gru(gi, gh, h, hidden),
                            _ => Lstm(gi, gh, cell, hidden, wHr, hOut),
                        };
                        Array.Copy(h, 0, output, (step * batch + b) * dirs * hOut + d * hOut, hOut);
                    }
                    Array.Copy(h, 0, hn, (state * batch + b) * hOut, hOut);
                    Array.Copy(cell, 0, cn, (state * batch + b) * hidden, hidden);
                }
            }
            input = output;
            inputSize = dirs * hOut;
        }
        return (input, hn, cn);
    }

    /// <summary>w (rows, cols) · v[offset..offset+cols] + bias.</summary>
    private static double[] Affine(double[] w, double[] bias, double[] v, int offset, int cols, int rows)
    {
        var result = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double sum = bias[r];
            for (int k = 0; k < cols; k++)
                sum += w[r * cols + k] * v[offset + k];
            result[r] = sum;
        }
        return result;
    }

    // h' = act(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)
    private static double[] Elman(double[] gi, double[] gh, string nonlinearity) =>
        gi.Select((v, j) => nonlinearity == "tanh" ? Math.Tanh(v + gh[j]) : Math.Max(0, v + gh[j])).ToArray();

    // r, z, n in that order; r multiplies the whole hidden term of n (b_hn included).
    private static double[] Gru(double[] gi, double[] gh, double[] h, int hidden)
    {
        var next = new double[hidden];
        for (int j = 0; j < hidden; j++)
        {
            double r = Sigmoid(gi[j] + gh[j]);
            double z = Sigmoid(gi[hidden + j] + gh[hidden + j]);
            double n = Math.Tanh(gi[2 * hidden + j] + r * gh[2 * hidden + j]);
            next[j] = (1 - z) * n + z * h[j];
        }
        return next;
    }

    // i, f, g, o in that order; c updated in place; h projected by W_hr when proj_size > 0.
    private static double[] Lstm(double[] gi, double[] gh, double[] c, int hidden, double[]? wHr, int hOut)
    {
        var full = new double[hidden];
        for (int j = 0; j < hidden; j++)
        {
            double i = Sigmoid(gi[j] + gh[j]);
            double f = Sigmoid(gi[hidden + j] + gh[hidden + j]);
            double g = Math.Tanh(gi[2 * hidden + j] + gh[2 * hidden + j]);
            double o = Sigmoid(gi[3 * hidden + j] + gh[3 * hidden + j]);
            c[j] = f * c[j] + i * g;
            full[j] = o * Math.Tanh(c[j]);
        }
        return wHr is null ? full : Affine(wHr, new double[hOut], full, 0, hidden, hOut);
    }

    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));
}
