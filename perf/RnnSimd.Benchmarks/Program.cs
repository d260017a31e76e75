using BenchmarkDotNet.Running;
using RnnSimd.Benchmarks;

if (args.Length > 0 && args[0] == "--quick")
    return QuickRun.Run(Console.Out);

bool jobGiven = args.Any(a => a is "--job" or "-j" || a.StartsWith("--job=", StringComparison.Ordinal));
var summaries = BenchmarkSwitcher.FromAssembly(typeof(Shapes).Assembly).Run(args, BenchConfig.Create(includeJob: !jobGiven));
// BenchmarkDotNet reports a failed benchmark in its log only; a script running this needs the exit code.
bool failed = summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success));
return failed ? 1 : 0;
