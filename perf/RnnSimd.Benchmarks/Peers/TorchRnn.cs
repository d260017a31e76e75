using System.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace RnnSimd.Benchmarks.Peers;

/// <summary>
/// PyTorch's Elman layer (torch.nn.RNN: tanh, one layer, both biases) through TorchSharp, holding
/// the same weights as every other contender, set up as a server would run it: eval mode,
/// inference mode, n intra-op threads, input and initial state tensors made once.
/// </summary>
/// <remarks>
/// nn.RNN has no out= form, so each call returns two new native tensors; <see cref="Forward"/>
/// disposes them at once rather than leaving native memory to the finalizer. Their managed wrappers
/// are the 96 B per call MemoryDiagnoser shows, part of the peer's cost. Passing no h0 would cost
/// ~310 B and a torch.zeros per call (TorchSharp makes one): h0 is made once instead.
/// </remarks>
public sealed class TorchRnn : IDisposable
{
    private readonly TorchSharp.Modules.RNN _rnn;
    private readonly Tensor _input;
    private readonly Tensor _h0;
    private readonly IDisposable _inferenceMode;

    /// <summary>Must be called on the thread that then calls <see cref="Forward"/>: inference mode is per thread.</summary>
    public static TorchRnn Create(ElmanData data, int threads)
    {
        // Before anything loads libLibTorchSharp.so (see LibTorchSharpPatch). This method touches
        // no TorchSharp type itself, so compiling it cannot run TorchSharp's static constructors early.
        Console.WriteLine($"// {nameof(LibTorchSharpPatch)}: {LibTorchSharpPatch.EnsureLoadable()}");
        return new TorchRnn(data, threads);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private TorchRnn(ElmanData data, int threads)
    {
        ElmanShape s = data.Shape;

        UseThreads(threads);

        _rnn = nn.RNN(s.X, s.H, numLayers: 1, nonLinearity: nn.NonLinearities.Tanh, bias: true, batchFirst: false);
        using (torch.no_grad())
        {
            var parameters = _rnn.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            Copy(parameters["weight_ih_l0"], data.WeightIh, s.H, s.X);
            Copy(parameters["weight_hh_l0"], data.WeightHh, s.H, s.H);
            Copy(parameters["bias_ih_l0"], data.BiasIh, s.H);
            Copy(parameters["bias_hh_l0"], data.BiasHh, s.H);
        }
        _rnn.eval();

        _input = torch.tensor(data.Input, [s.T, s.B, s.X]);
        _h0 = torch.zeros([1, s.B, s.H]);

        // Held until Dispose: no autograd bookkeeping on any call, as torch.inference_mode() in Python.
        _inferenceMode = torch.inference_mode();
    }

    /// <summary>
    /// n intra-op threads, one inter-op thread: inter-op threads run independent operators of a
    /// graph at once; a single RNN op has none, and ONNX Runtime gets InterOpNumThreads = 1 too.
    /// The inter-op count is settable only once, before the pool exists (libtorch throws
    /// otherwise): skipped when a previous instance in this process already set it.
    /// </summary>
    internal static void UseThreads(int threads)
    {
        if (torch.get_num_interop_threads() != 1)
            torch.set_num_interop_threads(1);
        torch.set_num_threads(threads);
    }

    /// <summary>Threads libtorch runs on now (to confirm set_num_threads took).</summary>
    public static int Threads => torch.get_num_threads();

    /// <summary>Whether this thread is in inference mode (to confirm the guard holds where calls run).</summary>
    public static bool InferenceModeEnabled => torch.is_inference_mode_enabled();

    /// <summary>One forward over the whole sequence; the result is discarded (see remarks).</summary>
    public void Forward()
    {
        (Tensor output, Tensor final) = _rnn.forward(_input, _h0);
        output.Dispose();
        final.Dispose();
    }

    /// <summary>One forward, its results copied out: for the agreement check, not for timing.</summary>
    public (float[] Output, float[] FinalState) ForwardToArrays()
    {
        (Tensor output, Tensor final) = _rnn.forward(_input, _h0);
        using (output)
        using (final)
            return (output.data<float>().ToArray(), final.data<float>().ToArray());
    }

    public void Dispose()
    {
        _inferenceMode.Dispose();
        _input.Dispose();
        _h0.Dispose();
        _rnn.Dispose();
    }

    /// <summary>Overwrites a module parameter with <paramref name="values"/>; call under no_grad (parameters require grad).</summary>
    internal static void Copy(Tensor parameter, float[] values, params long[] shape)
    {
        using Tensor source = torch.tensor(values, shape);
        parameter.copy_(source);
    }
}
