using System.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace RnnSimd.Benchmarks.Peers;

/// <summary>
/// PyTorch's GRU or LSTM layer (torch.nn.GRU / torch.nn.LSTM: one layer, both biases) through
/// TorchSharp, holding the same weights as every other contender, set up as <see cref="TorchRnn"/>
/// is: eval mode, inference mode, n intra-op threads, input and initial state tensors made once.
/// </summary>
/// <remarks>
/// As with nn.RNN, each call returns new native tensors (output, h_n and, for an LSTM, c_n);
/// <see cref="Forward"/> disposes them at once, and their managed wrappers are what MemoryDiagnoser
/// shows for this peer. h0 (and c0) are passed, as zeros made once, so that TorchSharp does not
/// make them on every call.
/// </remarks>
public sealed class TorchGated : IDisposable
{
    private readonly TorchSharp.Modules.GRU? _gru;
    private readonly TorchSharp.Modules.LSTM? _lstm;
    private readonly Tensor _input;
    private readonly Tensor _h0;
    private readonly Tensor _c0;
    private readonly IDisposable _inferenceMode;

    /// <summary>Must be called on the thread that then calls <see cref="Forward"/>: inference mode is per thread.</summary>
    public static TorchGated Create(GatedData data, int threads)
    {
        // Before anything loads libLibTorchSharp.so, as in TorchRnn.Create: this method touches no
        // TorchSharp type itself.
        Console.WriteLine($"// {nameof(LibTorchSharpPatch)}: {LibTorchSharpPatch.EnsureLoadable()}");
        return new TorchGated(data, threads);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private TorchGated(GatedData data, int threads)
    {
        ElmanShape s = data.Shape.Shape;
        long gateRows = data.Shape.Gates * s.H;

        TorchRnn.UseThreads(threads);

        nn.Module module;
        if (data.Shape.Cell == RecurrentCell.Gru)
            module = _gru = nn.GRU(s.X, s.H, numLayers: 1, bias: true, batchFirst: false);
        else
            module = _lstm = nn.LSTM(s.X, s.H, numLayers: 1, bias: true, batchFirst: false);
        using (torch.no_grad())
        {
            var parameters = module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            TorchRnn.Copy(parameters["weight_ih_l0"], data.WeightIh, gateRows, s.X);
            TorchRnn.Copy(parameters["weight_hh_l0"], data.WeightHh, gateRows, s.H);
            TorchRnn.Copy(parameters["bias_ih_l0"], data.BiasIh, gateRows);
            TorchRnn.Copy(parameters["bias_hh_l0"], data.BiasHh, gateRows);
        }
        module.eval();

        _input = torch.tensor(data.Input, [s.T, s.B, s.X]);
        _h0 = torch.zeros([1, s.B, s.H]);
        _c0 = torch.zeros([1, s.B, s.H]);

        // Held until Dispose: no autograd bookkeeping on any call, as torch.inference_mode() in Python.
        _inferenceMode = torch.inference_mode();
    }

    /// <summary>One forward over the whole sequence; the results are discarded (see remarks).</summary>
    public void Forward()
    {
        if (_lstm is not null)
        {
            (Tensor output, Tensor hn, Tensor cn) = _lstm.forward(_input, (_h0, _c0));
            output.Dispose();
            hn.Dispose();
            cn.Dispose();
        }
        else
        {
            (Tensor output, Tensor hn) = _gru!.forward(_input, _h0);
            output.Dispose();
            hn.Dispose();
        }
    }

    /// <summary>One forward, its results copied out (c_n empty for a GRU): for the agreement check, not for timing.</summary>
    public (float[] Output, float[] FinalHidden, float[] FinalCell) ForwardToArrays()
    {
        if (_lstm is not null)
        {
            (Tensor output, Tensor hn, Tensor cn) = _lstm.forward(_input, (_h0, _c0));
            using (output)
            using (hn)
            using (cn)
                return (output.data<float>().ToArray(), hn.data<float>().ToArray(), cn.data<float>().ToArray());
        }
        (Tensor gruOutput, Tensor gruHn) = _gru!.forward(_input, _h0);
        using (gruOutput)
        using (gruHn)
            return (gruOutput.data<float>().ToArray(), gruHn.data<float>().ToArray(), []);
    }

    public void Dispose()
    {
        _inferenceMode.Dispose();
        _input.Dispose();
        _h0.Dispose();
        _c0.Dispose();
        _gru?.Dispose();
        _lstm?.Dispose();
    }
}
