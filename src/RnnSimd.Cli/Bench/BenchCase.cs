using RnnSimd.Cli.Common;

namespace RnnSimd.Cli.Bench;

/// <summary>A one-layer network of random weights, its session and its buffers: everything a timed call touches.</summary>
internal sealed class BenchCase : IDisposable
{
    private readonly RecurrentNetwork _network;
    private readonly RecurrentNetworkSession _session;
    private readonly float[] _x, _output, _hidden, _cell;
    private readonly int _steps, _batch;

    private BenchCase(RecurrentNetwork network, RecurrentNetworkSession session, BenchShape shape, ref SplitMix64 random)
    {
        _network = network;
        _session = session;
        _steps = shape.SequenceLength;
        _batch = shape.Batch;
        _x = random.Uniform(_steps * _batch * shape.InputSize, 1f);
        _output = new float[_steps * _batch * network.Spec.OutputSize];
        _hidden = new float[_batch * network.Spec.HiddenOutputSize];
        _cell = network.Spec.HasCellState ? new float[_batch * network.Spec.HiddenSize] : [];
    }

    public static BenchCase Create(RecurrentCell cell, BenchShape shape, int threads)
    {
        var spec = new RecurrentSpec(cell, shape.InputSize, shape.HiddenSize);
        var random = new SplitMix64(0x5EED);
        RecurrentNetwork network = RecurrentNetwork.Create(spec, RandomWeights.For(spec, ref random));
        try
        {
            return new BenchCase(network, SessionSize.Create(() => network.CreateSession(shape.SequenceLength, shape.Batch, threads), shape.Dimensions, "--seq-len", "--batch"), shape, ref random);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    public RecurrentNetwork Network => _network;

    /// <summary>Calls so far that the busy-core pause ran on one thread (<see cref="RecurrentNetworkSession.CallsRunAlone"/>).</summary>
    public long CallsRunAlone => _session.CallsRunAlone;

    /// <summary>One whole forward pass; allocates nothing.</summary>
    public void Forward() => _session.Forward(_x, _steps, _batch, _output, _hidden, _cell);

    public void Dispose()
    {
        _session.Dispose();
        _network.Dispose();
    }
}
