using FsCheck;
using FsCheck.Fluent;

namespace RnnSimd.Tests.Support;

/// <summary>
/// Runs FsCheck properties with the suite's settings: RNNSIMD_PROPERTY_RUNS cases each (default
/// 100; the ARM64 run under emulation uses fewer), and RNNSIMD_REPLAY="seed,gamma" to replay the
/// run a failure printed. Failures throw with the shrunk counterexample and the replay seed.
/// </summary>
public static class Properties
{
    public static int Runs { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("RNNSIMD_PROPERTY_RUNS"), out int n) && n > 0 ? n : 100;

    public static void Check<T>(Arbitrary<T> arbitrary, Action<T> property, int? runs = null)
    {
        Config config = Config.QuickThrowOnFailure.WithMaxTest(runs ?? Runs).WithQuietOnSuccess(true);
        string? replay = Environment.GetEnvironmentVariable("RNNSIMD_REPLAY");
        if (replay is not null)
        {
            string[] parts = replay.Trim('(', ')', ' ').Split(',', StringSplitOptions.TrimEntries);
            config = config.WithReplay(ulong.Parse(parts[0]), ulong.Parse(parts[1]));
        }
        Prop.ForAll(arbitrary, property).Check(config);
    }
}
