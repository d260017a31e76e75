namespace RnnSimd.Tests.Reference;

/// <summary>
/// The oracle: an Elman layer (with optional output head) in double precision, textbook loops.
/// Weights are held in the row convention, K×N (W_in is X×H, W_hh is H×H, W_hy is H×Y), so one
/// code path serves PyTorch's layer (weights transposed on the way in) and the reference network.
/// Alongside every value it computes the error bound the engine must meet (docs/numerics.md):
/// one step, each element within 4·K·2⁻²⁴·Σ|terms| + 4 ulp; over a sequence, that per-step error
/// carried forward through |W_hh| and the activation's slope over the interval the engine's
/// pre-activation can lie in.
/// </summary>
public sealed class NaiveElman
{
    public required int InputSize { get; init; }
    public required int HiddenSize { get; init; }

    /// <summary>0 when there is no head.</summary>
    public int OutputSize { get; init; }

    /// <summary>X×H.</summary>
    public required double[,] InputWeights { get; init; }

    /// <summary>H×H.</summary>
    public required double[,] RecurrentWeights { get; init; }

    /// <summary>The bias terms added to the pre-activation (b_ih and b_hh separately, or b_h alone); empty for none.</summary>
    public double[][] Biases { get; init; } = [];

    /// <summary>H×Y, or null.</summary>
    public double[,]? OutputWeights { get; init; }

    /// <summary>Y, or null.</summary>
    public double[]? OutputBias { get; init; }

    public bool Relu { get; init; }

    private double Activate(double z) => Relu ? (z < 0 ? 0 : z) : Math.Tanh(z);

    /// <summary>
    /// One step for one batch row: the new hidden state and, per element, the bound on the engine's error
    /// given an input state that is itself off by at most <paramref name="stateError"/> per element.
    /// </summary>
    public (double[] Hidden, double[] Bound) Step(ReadOnlySpan<double> x, ReadOnlySpan<double> h, ReadOnlySpan<double> stateError)
    {
        int X = InputSize, H = HiddenSize;
        var next = new double[H];
        var bound = new double[H];
        int k = X + H;
        for (int j = 0; j < H; j++)
        {
            double z = 0, terms = 0, carried = 0;
            for (int i = 0; i < X; i++)
            {
                double t = x[i] * InputWeights[i, j];
                z += t;
                terms += Math.Abs(t);
            }
            for (int i = 0; i < H; i++)
            {
                double t = h[i] * RecurrentWeights[i, j];
                z += t;
                terms += Math.Abs(t) + Math.Abs(RecurrentWeights[i, j]) * stateError[i];
                carried += Math.Abs(RecurrentWeights[i, j]) * stateError[i];
            }
            foreach (double[] b in Biases)
            {
                z += b[j];
                terms += Math.Abs(b[j]);
            }
            next[j] = Activate(z);
            // The pre-activation's error: this step's rounding plus the state's error carried
            // through |W_hh|. The activation passes it on scaled by its largest slope over the
            // interval the engine's pre-activation can lie in (mean value theorem): 1 in tanh's
            // linear range, near 0 where it saturates.
            double preError = 4.0 * k * Ulp.UnitRoundoff * terms + carried;
            double slope = Relu
                ? (z + preError > 0 ? 1 : 0)
                : 1 - Math.Pow(Math.Tanh(Math.Max(0, Math.Abs(z) - preError)), 2);
            bound[j] = (slope == 0 || double.IsInfinity(z) ? 0 : slope * preError) + 4.0 * Ulp.Of(next[j]);
        }
        return (next, bound);
    }

    /// <summary>The head for one row: y and its bound given a state off by at most <paramref name="stateError"/>.</summary>
    public (double[] Output, double[] Bound) Head(ReadOnlySpan<double> h, ReadOnlySpan<double> stateError)
    {
        int H = HiddenSize, Y = OutputSize;
        var y = new double[Y];
        var bound = new double[Y];
        for (int j = 0; j < Y; j++)
        {
            double z = OutputBias![j], terms = Math.Abs(OutputBias[j]), carried = 0;
            for (int i = 0; i < H; i++)
            {
                double t = h[i] * OutputWeights![i, j];
                z += t;
                terms += Math.Abs(t) + Math.Abs(OutputWeights[i, j]) * stateError[i];
                carried += Math.Abs(OutputWeights[i, j]) * stateError[i];
            }
            y[j] = z;
            bound[j] = 4.0 * H * Ulp.UnitRoundoff * terms + 4.0 * Ulp.Of(z) + carried;
        }
        return (y, bound);
    }

    /// <summary>
    /// A whole sequence from the oracle's own state: per time step and row the hidden state (and
    /// output, with a head) and the bound the engine's float results must meet.
    /// </summary>
    public SequenceResult Forward(float[] x, int steps, int batch, float[]? initialState)
    {
        int X = InputSize, H = HiddenSize;
        var h = new double[batch][];
        var err = new double[batch][];
        for (int b = 0; b < batch; b++)
        {
            h[b] = new double[H];
            err[b] = new double[H];
            if (initialState is not null)
                for (int j = 0; j < H; j++)
                    h[b][j] = initialState[b * H + j];
        }

        var result = new SequenceResult(steps, batch, H, OutputSize);
        for (int t = 0; t < steps; t++)
            for (int b = 0; b < batch; b++)
            {
                double[] xr = new double[X];
                for (int i = 0; i < X; i++)
                    xr[i] = x[((long)t * batch + b) * X + i];
                (h[b], err[b]) = Step(xr, h[b], err[b]);
                long row = (long)t * batch + b;
                Array.Copy(h[b], 0, result.Hidden, row * H, H);
                Array.Copy(err[b], 0, result.HiddenBound, row * H, H);
                if (OutputSize > 0)
                {
                    var (y, yb) = Head(h[b], err[b]);
                    Array.Copy(y, 0, result.Output, row * OutputSize, OutputSize);
                    Array.Copy(yb, 0, result.OutputBound, row * OutputSize, OutputSize);
                }
            }
        return result;
    }
}

/// <summary>The oracle's sequence: values and bounds, (T, B, ·) row-major.</summary>
public sealed class SequenceResult(int steps, int batch, int hidden, int output)
{
    public double[] Hidden { get; } = new double[(long)steps * batch * hidden];
    public double[] HiddenBound { get; } = new double[(long)steps * batch * hidden];
    public double[] Output { get; } = new double[(long)steps * batch * output];
    public double[] OutputBound { get; } = new double[(long)steps * batch * output];
}
