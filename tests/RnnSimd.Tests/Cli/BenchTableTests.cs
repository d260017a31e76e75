using RnnSimd.Cli.Bench;

namespace RnnSimd.Tests.Cli;

/// <summary>The bench table says when timed calls ran on one thread, and stays quiet otherwise.</summary>
public class BenchTableTests
{
    private static readonly BenchShape S3 = new("S3", 100, 1, 256, 256);
    private static readonly BenchShape S4 = new("S4", 50, 32, 256, 512);

    private static BenchResult Result(BenchShape shape, long callsRunAlone) =>
        new(shape, 1, new BenchTiming(1e-3, 0.9e-3, 1.1e-3, Repetitions: 10, CallsPerRepetition: 47, WarmupCalls: 100,
            AllocatedBytesPerCall: 0, CallsRunAlone: callsRunAlone));

    [Fact]
    public void Calls_run_on_one_thread_are_counted_below_the_table_per_shape()
    {
        var settings = new BenchSettings(RecurrentCell.Rnn, [S3, S4], Threads: 2, BudgetSeconds: 2, JsonPath: null);
        string[] lines = BenchTable.Lines(settings, KernelRegistry.Selected, [Result(S3, 37), Result(S4, 0)]).ToArray();
        string note = Assert.Single(lines, l => l.Contains("ran on one thread"));
        Assert.Equal("S3: 37 of 470 timed calls ran on one thread: a worker's core was busy with other work " +
                     "(busy-core pause), so these figures mix in one-thread times.", note);
        Assert.Same(lines[^1], note);
    }

    [Fact]
    public void No_note_when_every_call_kept_its_threads()
    {
        var settings = new BenchSettings(RecurrentCell.Rnn, [S3], Threads: 2, BudgetSeconds: 2, JsonPath: null);
        string[] lines = BenchTable.Lines(settings, KernelRegistry.Selected, [Result(S3, 0)]).ToArray();
        Assert.DoesNotContain(lines, l => l.Contains("one thread"));
    }
}
