namespace RnnSimd.Tests.Reference;

/// <summary>
/// The oracle of the PyTorch family (nn.RNN, nn.GRU, nn.LSTM; mission.md §2): the textbook
/// formulas in double precision, one sequence at a time, every value carrying the bound the
/// engine must meet (<see cref="Bounded"/>). Variable lengths are handled as packed sequences
/// are: a sequence of length n runs its n steps (backward: from step n−1 down), its outputs past
/// n are zero and its final state is the one after its own last step.
/// </summary>
public sealed class NaiveRecurrent(RecurrentSpec spec, IReadOnlyDictionary<string, float[]> parameters)
{
    private double[] P(string name) => Array.ConvertAll(parameters[name], v => (double)v);

    /// <summary>Results in PyTorch's time-major layout: output (T, B, D·H_out), h_n (D·L, B, H_out), c_n (D·L, B, H).</summary>
    public sealed class Result(int outputLength, int hiddenLength, int cellLength)
    {
        public Bounded[] Output { get; } = new Bounded[outputLength];
        public Bounded[] FinalHidden { get; } = new Bounded[hiddenLength];
        public Bounded[] FinalCell { get; } = new Bounded[cellLength];
    }

    /// <param name="x">(T, B, X) time-major.</param>
    /// <param name="h0">(D·L, B, H_out) or null.</param>
    /// <param name="c0">(D·L, B, H) or null.</param>
    /// <param name="lengths">(B) or null for all T.</param>
    public Result Forward(float[] x, int steps, int batch, float[]? h0, float[]? c0, int[]? lengths)
    {
        int D = spec.Directions, H = spec.HiddenSize, Hout = spec.HiddenOutputSize, width = spec.OutputSize;
        var result = new Result(steps * batch * width, spec.StateCount * batch * Hout, spec.StateCount * batch * H);
        for (int i = 0; i < result.Output.Length; i++)
            result.Output[i] = Bounded.Exact(0);
        for (int b = 0; b < batch; b++)
        {
            int n = lengths?[b] ?? steps;
            // This sequence's input to the current layer: n rows.
            var input = new Bounded[n][];
            for (int t = 0; t < n; t++)
            {
                input[t] = new Bounded[spec.InputSize];
                for (int i = 0; i < spec.InputSize; i++)
                    input[t][i] = Bounded.Exact(x[((long)t * batch + b) * spec.InputSize + i]);
            }
            for (int layer = 0; layer < spec.NumLayers; layer++)
            {
                var layerOutput = new Bounded[n][];
                for (int t = 0; t < n; t++)
                    layerOutput[t] = new Bounded[width];
                for (int d = 0; d < D; d++)
                {
                    int state = layer * D + d;
                    string suffix = $"_l{layer}{(d == 1 ? "_reverse" : "")}";
                    var h = new Bounded[Hout];
                    var c = new Bounded[H];
                    for (int j = 0; j < Hout; j++)
                        h[j] = Bounded.Exact(h0 is null ? 0 : h0[(state * batch + b) * Hout + j]);
                    for (int j = 0; j < H; j++)
                        c[j] = Bounded.Exact(c0 is null ? 0 : c0[(state * batch + b) * H + j]);
                    for (int s = 0; s < n; s++)
                    {
                        int t = d == 0 ? s : n - 1 - s;
                        (h, c) = Cell(suffix, input[t], h, c);
                        Array.Copy(h, 0, layerOutput[t], d * Hout, Hout);
                    }
                    Array.Copy(h, 0, result.FinalHidden, (state * batch + b) * Hout, Hout);
                    Array.Copy(c, 0, result.FinalCell, (state * batch + b) * H, H);
                }
                input = layerOutput;
            }
            for (int t = 0; t < n; t++)
                Array.Copy(input[t], 0, result.Output, ((long)t * batch + b) * width, width);
        }
        return result;
    }

    /// <summary>
    /// One step of one layer and direction for one batch row, from exact float inputs (the engine's
    /// own state): h' and c' with one-step bounds, which stay tight however deep or long the network.
    /// </summary>
    public (Bounded[] H, Bounded[] C) OneStep(int layer, int direction, ReadOnlySpan<float> x, ReadOnlySpan<float> h, ReadOnlySpan<float> c)
    {
        static Bounded[] Exact(ReadOnlySpan<float> v)
        {
            var r = new Bounded[v.Length];
            for (int i = 0; i < v.Length; i++)
                r[i] = Bounded.Exact(v[i]);
            return r;
        }
        var cell = spec.HasCellState ? Exact(c) : new Bounded[spec.HiddenSize];
        return Cell($"_l{layer}{(direction == 1 ? "_reverse" : "")}", Exact(x), Exact(h), cell);
    }

    /// <summary>One cell step of one layer and direction; c is ignored (and returned unchanged) but for LSTM.</summary>
    private (Bounded[] H, Bounded[] C) Cell(string suffix, Bounded[] x, Bounded[] h, Bounded[] c)
    {
        int H = spec.HiddenSize;
        double[] wih = P($"weight_ih{suffix}"), whh = P($"weight_hh{suffix}");
        double[] bih = spec.Bias ? P($"bias_ih{suffix}") : new double[spec.Gates * H];
        double[] bhh = spec.Bias ? P($"bias_hh{suffix}") : new double[spec.Gates * H];
        int X = x.Length, Hout = h.Length;

        // Gate row r of x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh, the two products as one dot product.
        Bounded Gate(int r)
        {
            var w = new double[X + Hout];
            var v = new Bounded[X + Hout];
            for (int i = 0; i < X; i++) { w[i] = wih[r * X + i]; v[i] = x[i]; }
            for (int i = 0; i < Hout; i++) { w[X + i] = whh[r * Hout + i]; v[X + i] = h[i]; }
            return Bounded.Dot(w, v, spec.Bias ? [bih[r], bhh[r]] : []);
        }

        switch (spec.Cell)
        {
            case RecurrentCell.Rnn:
            {
                var next = new Bounded[H];
                for (int j = 0; j < H; j++)
                    next[j] = spec.Nonlinearity == Nonlinearity.Relu ? Bounded.Relu(Gate(j)) : Bounded.Tanh(Gate(j));
                return (next, c);
            }
            case RecurrentCell.Gru:
            {
                var next = new Bounded[H];
                for (int j = 0; j < H; j++)
                {
                    Bounded r = Bounded.Sigmoid(Gate(j));
                    Bounded z = Bounded.Sigmoid(Gate(H + j));
                    int row = 2 * H + j;
                    var wx = new double[X];
                    for (int i = 0; i < X; i++) wx[i] = wih[row * X + i];
                    var wh = new double[Hout];
                    for (int i = 0; i < Hout; i++) wh[i] = whh[row * Hout + i];
                    Bounded xn = Bounded.Dot(wx, x, spec.Bias ? [bih[row]] : []);
                    Bounded hn = Bounded.Dot(wh, h, spec.Bias ? [bhh[row]] : []);
                    Bounded n = Bounded.Tanh(xn + r * hn);
                    // h' = (1 − z)·n + z·h, evaluated as n + z·(h − n): the same value, and a bound
                    // that counts the roundings of the way the engine evaluates it.
                    next[j] = n + z * (h[j] - n);
                }
                return (next, c);
            }
            default:
            {
                var cNext = new Bounded[H];
                var hRaw = new Bounded[H];
                for (int j = 0; j < H; j++)
                {
                    Bounded i = Bounded.Sigmoid(Gate(j));
                    Bounded f = Bounded.Sigmoid(Gate(H + j));
                    Bounded g = Bounded.Tanh(Gate(2 * H + j));
                    Bounded o = Bounded.Sigmoid(Gate(3 * H + j));
                    cNext[j] = f * c[j] + i * g;
                    hRaw[j] = o * Bounded.Tanh(cNext[j]);
                }
                if (spec.ProjSize == 0)
                    return (hRaw, cNext);
                double[] whr = P($"weight_hr{suffix}");
                var projected = new Bounded[spec.ProjSize];
                for (int p = 0; p < spec.ProjSize; p++)
                    projected[p] = Bounded.Dot(whr.AsSpan(p * H, H), hRaw, []);
                return (projected, cNext);
            }
        }
    }
}
