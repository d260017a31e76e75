using RnnSimd.Tests.Generators;
using RnnSimd.Tests.Support;

namespace RnnSimd.Tests.Models;

/// <summary>
/// A session serves one call at a time. A call hands the kernels and the workers raw pointers into
/// the caller's spans, so a second thread's call in the middle of one, or a Dispose under it, could
/// write through stale pointers or free what the call reads. Each test holds a threaded call inside
/// its first step (the per-thread test hook) while another thread tries.
/// Serial: these tests start their own threads.
/// </summary>
[Collection(nameof(SerialCollection))]
public class ConcurrentCallTests
{
    private static readonly ElmanCase Elman = new(T: 3, B: 2, X: 20, H: 300, Y: 3, Bias: true, Act: Nonlinearity.Tanh,
        InitialState: false, Scale: 1f, Seed: 21);

    private static readonly RecurrentCase Lstm = new(RecurrentCell.Lstm, Nonlinearity.Tanh, Layers: 2, Bidirectional: false, Bias: true,
        Proj: 0, T: 3, B: 2, X: 20, H: 200, BatchFirst: false, H0: false, C0: false, Lengths: false, Scale: 1f, Seed: 22);

    [Fact]
    public void Elman_calls_from_another_thread_during_a_call_are_refused_and_the_call_is_unharmed()
    {
        var c = Elman;
        var d = c.Data();
        using var layer = d.Layer(Isa.Best);
        var expected = new float[c.T * c.B * c.H];
        using (var alone = layer.CreateSession(c.T, c.B))
            alone.Forward(d.X, c.T, c.B, expected, new float[c.B * c.H]);

        using var session = layer.CreateSession(c.T, c.B, threads: 2);
        session.Runner.ParallelStepThreshold = 0;
        var intruderOutput = new float[c.T * c.B * c.H];
        var intruderState = new float[c.B * c.H];
        List<Exception?> refusals = [];
        session.Runner.BeforeThreadStep = OnceOnTheCaller(() =>
        {
            refusals.Add(Attempt(() => session.Forward(d.X, c.T, c.B, intruderOutput, intruderState)));
            refusals.Add(Attempt(() => session.Step(d.X, intruderState)));
            refusals.Add(Attempt(() => session.Reset(1)));
        });
        var output = new float[c.T * c.B * c.H];
        session.Forward(d.X, c.T, c.B, output, new float[c.B * c.H]);

        AssertRefused(refusals, 3);
        Expect.BitIdentical(output, expected, "output of the call that was running");
        Assert.All(intruderOutput, v => Assert.Equal(0f, v));
        Assert.All(intruderState, v => Assert.Equal(0f, v));

        // Free again once the call has returned.
        session.Runner.BeforeThreadStep = null;
        Array.Clear(output);
        session.Forward(d.X, c.T, c.B, output, new float[c.B * c.H]);
        Expect.BitIdentical(output, expected, "output of the next call");
    }

    [Fact]
    public void Recurrent_calls_from_another_thread_during_a_call_are_refused_and_the_call_is_unharmed()
    {
        var d = Lstm.Data();
        using var network = d.Network(Isa.Best);
        RecurrentNetworkPropertyTests.Outputs expected;
        using (var alone = network.CreateSession(Lstm.T, Lstm.B))
            expected = RecurrentNetworkPropertyTests.Run(d, alone);

        using var session = network.CreateSession(Lstm.T, Lstm.B, threads: 2);
        session.Runner.ParallelStepThreshold = 0;
        var intruderOutput = new float[Lstm.T * Lstm.B * Lstm.H];
        var intruderState = new float[Lstm.Layers * Lstm.B * Lstm.H];
        List<Exception?> refusals = [];
        session.Runner.BeforeThreadStep = OnceOnTheCaller(() =>
        {
            refusals.Add(Attempt(() => session.Forward(d.CallX, Lstm.T, Lstm.B, intruderOutput)));
            refusals.Add(Attempt(() => session.Step(d.CallX, intruderOutput)));
            refusals.Add(Attempt(() => session.Reset(1)));
            refusals.Add(Attempt(() => session.CopyState(intruderState, intruderState)));
        });
        var got = RecurrentNetworkPropertyTests.Run(d, session);

        AssertRefused(refusals, 4);
        Expect.BitIdentical(got.Output, expected.Output, "output of the call that was running");
        Expect.BitIdentical(got.FinalHidden, expected.FinalHidden, "h_n of the call that was running");
        Expect.BitIdentical(got.FinalCell, expected.FinalCell, "c_n of the call that was running");
        Assert.All(intruderOutput, v => Assert.Equal(0f, v));
        Assert.All(intruderState, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Dispose_from_another_thread_waits_for_the_running_call()
    {
        var c = Elman;
        var d = c.Data();
        var layer = d.Layer(Isa.Best);
        var expected = new float[c.T * c.B * c.H];
        using (var alone = layer.CreateSession(c.T, c.B))
            alone.Forward(d.X, c.T, c.B, expected, new float[c.B * c.H]);

        var session = layer.CreateSession(c.T, c.B, threads: 2);
        session.Runner.ParallelStepThreshold = 0;
        Thread? disposer = null;
        bool disposerWaited = false;
        session.Runner.BeforeThreadStep = OnceOnTheCaller(() =>
        {
            disposer = new Thread(session.Dispose);
            disposer.Start();
            // With the model gone too, only the session's lease keeps the weights.
            layer.Dispose();
            disposerWaited = !disposer.Join(TimeSpan.FromMilliseconds(200));
            Assert.False(layer.Weights.IsFreed, "The weights were freed under a running call.");
        });
        var output = new float[c.T * c.B * c.H];
        session.Forward(d.X, c.T, c.B, output, new float[c.B * c.H]);

        Assert.True(disposerWaited, "Dispose returned while the call was running.");
        Assert.True(disposer!.Join(TimeSpan.FromSeconds(60)), "Dispose did not return after the call did.");
        Expect.BitIdentical(output, expected, "output of the call that was running");
        Assert.True(layer.Weights.IsFreed, "The session was disposed but still holds the weights.");
        Assert.Throws<ObjectDisposedException>(() => session.Forward(d.X, c.T, c.B, output, new float[c.B * c.H]));
        Assert.Throws<ObjectDisposedException>(() => session.Reset(1));
        session.Dispose();
    }

    [Fact]
    public void A_recurrent_session_disposed_from_another_thread_lets_the_weights_go_after_the_running_call()
    {
        var d = Lstm.Data();
        var network = d.Network(Isa.Best);
        var session = network.CreateSession(Lstm.T, Lstm.B, threads: 2);
        session.Runner.ParallelStepThreshold = 0;
        Thread? disposer = null;
        session.Runner.BeforeThreadStep = OnceOnTheCaller(() =>
        {
            disposer = new Thread(session.Dispose);
            disposer.Start();
            network.Dispose();
            Thread.Sleep(50);
            Assert.False(network.Weights.IsFreed, "The weights were freed under a running call.");
        });
        RecurrentNetworkPropertyTests.Run(d, session);
        Assert.True(disposer!.Join(TimeSpan.FromSeconds(60)), "Dispose did not return after the call did.");
        Assert.True(network.Weights.IsFreed, "The session was disposed but still holds the weights.");
        Assert.Throws<ObjectDisposedException>(() => session.Step(d.CallX, new float[Lstm.B * Lstm.H]));
    }

    [Fact]
    public void Dispose_from_inside_a_call_on_its_own_thread_is_refused_instead_of_waiting_forever()
    {
        var c = Elman;
        var d = c.Data();
        using var layer = d.Layer(Isa.Best);
        using var session = layer.CreateSession(c.T, c.B, threads: 2);
        session.Runner.ParallelStepThreshold = 0;
        Exception? refused = null;
        session.Runner.BeforeThreadStep = OnceOnTheCaller(() =>
        {
            try
            {
                session.Dispose();
            }
            catch (Exception e)
            {
                refused = e;
            }
        });
        session.Forward(d.X, c.T, c.B, new float[c.T * c.B * c.H], new float[c.B * c.H]);
        Assert.Contains("Dispose called from inside a call", Assert.IsType<InvalidOperationException>(refused).Message);
        // Not disposed: the next call runs.
        session.Runner.BeforeThreadStep = null;
        session.Forward(d.X, c.T, c.B, new float[c.T * c.B * c.H], new float[c.B * c.H]);
    }

    /// <summary>A step hook that runs <paramref name="action"/> on the calling thread's first step only.</summary>
    private static Action<int> OnceOnTheCaller(Action action)
    {
        int done = 0;
        return index =>
        {
            if (index == 0 && Interlocked.Exchange(ref done, 1) == 0)
                action();
        };
    }

    /// <summary>Runs <paramref name="call"/> on another thread, as a second user of the session would, and returns what it threw.</summary>
    private static Exception? Attempt(Action call)
    {
        Exception? thrown = null;
        var thread = new Thread(() =>
        {
            try
            {
                call();
            }
            catch (Exception e)
            {
                thrown = e;
            }
        });
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(60)), "The other thread's call did not return.");
        return thrown;
    }

    private static void AssertRefused(List<Exception?> refusals, int count)
    {
        Assert.Equal(count, refusals.Count);
        foreach (Exception? e in refusals)
        {
            var refused = Assert.IsType<InvalidOperationException>(e);
            Assert.Contains("a call is already running on this session", refused.Message);
        }
    }
}
