using System.Runtime.CompilerServices;
using RnnSimd.Tests.Generators;
using RnnSimd.Tests.Support;

namespace RnnSimd.Tests.Models;

/// <summary>
/// Native weights must outlive every call that uses them: a model disposed mid-call, or a session
/// that becomes unreachable mid-call, must never free memory a kernel is reading.
/// </summary>
[Collection(nameof(SerialCollection))]
public class LifetimeTests
{
    private static readonly ElmanCase Big = new(T: 4, B: 16, X: 64, H: 512, Y: 512, Bias: true, Act: Nonlinearity.Tanh,
        InitialState: false, Scale: 1f, Seed: 4);

    [Fact]
    public void Disposing_the_model_during_calls_on_another_thread_never_frees_memory_in_use()
    {
        var d = Big.Data();
        var layer = d.Layer(Isa.Best);
        using var session = layer.CreateSession(Big.T, Big.B);
        var output = new float[Big.T * Big.B * Big.H];
        var final = new float[Big.B * Big.H];
        int completed = 0;
        Exception? seen = null;
        var worker = new Thread(() =>
        {
            try
            {
                while (true)
                {
                    session.Forward(d.X, Big.T, Big.B, output, final);
                    Interlocked.Increment(ref completed);
                }
            }
            catch (Exception e)
            {
                seen = e;
            }
        });
        worker.Start();
        SpinWait.SpinUntil(() => Volatile.Read(ref completed) >= 3, TimeSpan.FromSeconds(30));
        layer.Dispose();
        Assert.True(worker.Join(TimeSpan.FromSeconds(30)), "The calling thread did not stop.");
        Assert.IsType<ObjectDisposedException>(seen);
    }

    [Fact]
    public void A_session_that_becomes_unreachable_during_its_call_keeps_its_weights_alive()
    {
        using var stop = new CancellationTokenSource();
        var collector = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        });
        collector.Start();
        try
        {
            for (int i = 0; i < 6; i++)
                RunOnAnUnreferencedNetwork();
        }
        finally
        {
            stop.Cancel();
            collector.Join();
        }
    }

    /// <summary>A long output head, so that a collection is likely to land inside it.</summary>
    private static readonly ElmanCase LongHead = new(T: 1, B: 32, X: 16, H: 1024, Y: 1024, Bias: true, Act: Nonlinearity.Tanh,
        InitialState: false, Scale: 1f, Seed: 9);

    private static readonly ElmanData LongHeadData = LongHead.Data();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RunOnAnUnreferencedNetwork()
    {
        var c = LongHead;
        var outputs = new float[c.T * c.B * c.Y];
        var final = new float[c.B * c.H];
        // Neither the network nor the session is referenced after the call starts.
        CreateSession().Forward(LongHeadData.X, c.T, c.B, outputs, final);
        Assert.Contains(outputs, v => v != 0);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ElmanNetworkSession CreateSession() => LongHeadData.Network(Isa.Best).CreateSession(LongHead.T, LongHead.B);

    [Fact]
    public void Sessions_keep_working_until_disposed_and_the_model_is_freed_after_the_last()
    {
        var d = Big.Data();
        var net = d.Network(Isa.Best);
        var a = net.CreateSession(1, 1);
        var b = net.CreateSession(1, 1);
        net.Dispose();
        Assert.Throws<ObjectDisposedException>(() => net.CreateSession(1, 1));
        Assert.Throws<ObjectDisposedException>(() => a.Step(new float[Big.X], new float[Big.Y]));
        a.Dispose();
        b.Dispose();
        b.Dispose();
        Assert.Throws<ObjectDisposedException>(() => b.Step(new float[Big.X], new float[Big.Y]));
    }

    [Fact]
    public void A_threaded_session_dropped_without_Dispose_stops_its_workers_and_lets_the_weights_go()
    {
        var c = new ElmanCase(T: 3, B: 2, X: 20, H: 300, Y: 3, Bias: true, Act: Nonlinearity.Tanh, InitialState: false, Scale: 1f, Seed: 13);
        var d = c.Data();
        var layer = d.Layer(Isa.Best);
        UseAndDrop(layer, d);
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        layer.Dispose();
        Assert.True(layer.Weights.IsFreed, "The dropped threaded session still holds the weights.");
    }

    [Fact]
    public void Disposing_a_threaded_session_with_an_interrupt_pending_stops_its_workers_and_lets_the_weights_go()
    {
        // An interrupt the barrier absorbed is re-raised on the calling thread, where it can be
        // pending when the session is disposed: Dispose must still join the workers and release the
        // weights, and leave the interrupt pending for the caller's next blocking call.
        var c = new ElmanCase(T: 3, B: 2, X: 20, H: 300, Y: 3, Bias: true, Act: Nonlinearity.Tanh, InitialState: false, Scale: 1f, Seed: 15);
        var d = c.Data();
        var layer = d.Layer(Isa.Best);
        Exception? failure = null;
        bool stillPending = false;
        var thread = new Thread(() =>
        {
            try
            {
                var session = layer.CreateSession(c.T, c.B, threads: 3);
                session.Runner.ParallelStepThreshold = 0;
                session.Forward(d.X, c.T, c.B, new float[c.T * c.B * c.H], new float[c.B * c.H]);
                Thread.CurrentThread.Interrupt();
                session.Dispose();
                try
                {
                    Thread.Sleep(1);
                }
                catch (ThreadInterruptedException)
                {
                    stillPending = true;
                }
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(60)), "Dispose hung.");
        Assert.Null(failure);
        Assert.True(stillPending, "Dispose swallowed the pending interrupt.");
        layer.Dispose();
        Assert.True(layer.Weights.IsFreed, "The disposed session still holds the weights.");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UseAndDrop(ElmanLayer layer, ElmanData d)
    {
        var c = d.Case;
        var session = layer.CreateSession(c.T, c.B, threads: 3);
        session.Runner.ParallelStepThreshold = 0;
        session.Forward(d.X, c.T, c.B, new float[c.T * c.B * c.H], new float[c.B * c.H]);
    }

    [Fact]
    public void An_interrupt_during_a_threaded_call_does_not_put_the_threads_out_of_step()
    {
        // Small enough for ARM64 emulation; the caller keeps calling until the interrupts are
        // done, then makes ten more calls, each checked bit for bit.
        var c = new ElmanCase(T: 12, B: 2, X: 20, H: 200, Y: 3, Bias: true, Act: Nonlinearity.Tanh, InitialState: false, Scale: 1f, Seed: 14);
        var d = c.Data();
        using var layer = d.Layer(Isa.Best);
        var expected = new float[c.T * c.B * c.H];
        layer.CreateSession(c.T, c.B).Forward(d.X, c.T, c.B, expected, new float[c.B * c.H]);
        Exception? failure = null;
        int calls = 0;
        bool interruptsDone = false;
        var caller = new Thread(() =>
        {
            try
            {
                using var session = layer.CreateSession(c.T, c.B, threads: 4);
                session.Runner.ParallelStepThreshold = 0;
                var output = new float[c.T * c.B * c.H];
                int after = 0;
                while (after < 10)
                {
                    if (Volatile.Read(ref interruptsDone))
                        after++;
                    session.Forward(d.X, c.T, c.B, output, new float[c.B * c.H]);
                    Expect.BitIdentical(output, expected, $"call {calls}");
                    Interlocked.Increment(ref calls);
                }
                try { Thread.Sleep(0); } catch (ThreadInterruptedException) { }
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        caller.Start();
        SpinWait.SpinUntil(() => Volatile.Read(ref calls) >= 3, TimeSpan.FromSeconds(60));
        for (int i = 0; i < 5; i++)
        {
            caller.Interrupt();
            Thread.Sleep(2);
        }
        Volatile.Write(ref interruptsDone, true);
        Assert.True(caller.Join(TimeSpan.FromSeconds(120)), "The threaded session hung after an interrupt.");
        Assert.Null(failure);
    }
}
