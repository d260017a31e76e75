using System.Diagnostics;
using RnnSimd.Tests.Infrastructure;
using RnnSimd.Tests.Support;
using RnnSimd.Threading;

namespace RnnSimd.Tests.Models;

/// <summary>
/// A session compiles, at creation, every kernel variant and step loop its calls can reach, so that
/// no call waits for the optimizing JIT (without it, the first call of an Elman S3 session took
/// 29 ms, the second 0.6 ms, steady 0.23 ms, and a new batch size's row remainder compiled another
/// tile mid-call). What the calls still compile is their public entry points, at tier 0.
/// </summary>
public class WarmUpTests
{
    /// <summary>How the JIT summary names a stub of the runtime's calls into itself.</summary>
    private const string RuntimeCallStub = "IL_STUB_PInvoke(System.Runtime.CompilerServices.ObjectHandleOnStack";

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void No_call_compiles_optimized_code(SimdPath path)
    {
        string log = Path.Combine(Path.GetTempPath(), $"rnnsimd-warmup-{Environment.ProcessId}-{path}.txt");
        try
        {
            var (exitCode, stdout, stderr) = WarmUpProbe.RunChild(path, log, TimeSpan.FromMinutes(10));
            Assert.True(exitCode == 0, $"the probe exited with {exitCode}:\n{stdout}\n{stderr}");
            string[] lines = File.ReadAllLines(log);
            var during = new List<string>();
            int scenarios = 0;
            bool inside = false;
            foreach (string line in lines)
            {
                if (line.Contains("WarmUpProbe:Begin["))
                {
                    inside = true;
                    scenarios++;
                }
                else if (line.Contains("WarmUpProbe:End["))
                {
                    inside = false;
                }
                // Optimized compiles requested by the calls; tier-1 recompiles run on a background thread
                // and are not waited for. Not counted either: the runtime's stubs for its calls into
                // itself (QCalls, whose handles no library code passes), compiled once per process.
                // One fresh-clone CI run (the whole suite, scalar path) compiled those of Monitor.Wait and
                // PulseAll inside a two-thread scenario's calls, as its workers blocked and woke; about
                // 25 runs since, with and without using both once when a barrier is created, compiled
                // none, so what makes the runtime compile them then is not known.
                else if (inside && line.Contains("FullOpts") && !line.Contains(RuntimeCallStub))
                {
                    during.Add(line.Trim());
                }
            }
            Assert.True(scenarios == WarmUpProbe.Scenarios,
                $"expected {WarmUpProbe.Scenarios} scenarios in the JIT summary, found {scenarios} ({lines.Length} lines)");
            Assert.True(during.Count == 0, $"compiled during the calls:\n{string.Join('\n', during)}");
        }
        finally
        {
            File.Delete(log);
        }
    }

    /// <summary>
    /// The warm-up calls run at the smallest batch that takes the workers' path, not at the largest:
    /// two steps of a batch of 1025 rows of 2²⁰ inputs would be an array of more than 2³¹ floats.
    /// </summary>
    [Fact]
    public void A_session_whose_largest_call_exceeds_an_array_is_created_and_steps()
    {
        const int inputs = 1 << 20;
        var weightIh = new float[inputs];
        weightIh[0] = 0.5f;
        using var layer = ElmanLayer.Create(inputs, 1, weightIh, [0.25f], [0.125f], [0f]);
        using var session = layer.CreateSession(maxSequenceLength: 2, maxBatch: 1025);
        Assert.Equal(1025, session.Batch);
        session.Reset(1);
        var x = new float[inputs];
        x[0] = 1f;
        var h = new float[1];
        session.Step(x, h);
        Assert.Equal(MathF.Tanh(0.5f + 0.125f), h[0], 6);
    }

    [Fact]
    public void Forgetting_late_calls_ends_the_pause()
    {
        using var pool = new WorkerPool(2, new NoWork(), "test");
        // A pause far longer than any test: under an emulator the default 10 ms can pass between
        // the report and the check, which ended the pause on its own (CI under qemu failed so).
        pool.Backoff = new ContentionBackoff(TimeSpan.FromHours(1));
        pool.Backoff.Report(late: true, Stopwatch.GetTimestamp());
        Assert.True(pool.RunAlone);
        pool.ForgetLateCalls();
        Assert.False(pool.RunAlone);
        Assert.Equal(0, pool.Backoff.LateCalls);
    }

    private sealed class NoWork : IParallelWork
    {
        public void Execute(int index, int count)
        {
        }
    }
}
