using System.Runtime.CompilerServices;
using RnnSimd.Benchmarks.Peers;
using RnnSimd.GoldenGenerator;

// Golden test data for the PyTorch family (nn.RNN / GRU / LSTM) from libtorch through TorchSharp.
//   dotnet run -c Release --project tools/GoldenGenerator -- tests/golden           generate, then check
//   dotnet run -c Release --project tools/GoldenGenerator -- --check tests/golden   check only (no libtorch)

bool checkOnly = args.Contains("--check");
string[] paths = args.Where(a => a != "--check").ToArray();
if (paths.Length != 1 || paths[0].StartsWith('-'))
{
    Console.Error.WriteLine("usage: GoldenGenerator [--check] <output folder, e.g. tests/golden>");
    return 2;
}
string root = Path.GetFullPath(paths[0]);

if (!checkOnly)
{
    // Before anything loads libLibTorchSharp.so; Generate touches TorchSharp only inside.
    Console.WriteLine($"{nameof(LibTorchSharpPatch)}: {LibTorchSharpPatch.EnsureLoadable()}");
    RemoveStale(root, GoldenCases.All);
    Generate(root);
}

Console.WriteLine($"checking {GoldenCases.All.Count} cases against the double-precision reference");
return Checker.CheckAll(root, GoldenCases.All) == 0 ? 0 : 1;

[MethodImpl(MethodImplOptions.NoInlining)]
static void Generate(string root) => TorchGenerator.Generate(root, GoldenCases.All);

// A case folder left from an older case list: removed if it holds only what the generator writes.
static void RemoveStale(string root, IReadOnlyList<GoldenCase> cases)
{
    if (!Directory.Exists(root))
        return;
    string[] ours = ["case.json", "model.safetensors", "io.safetensors"];
    var known = cases.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
    foreach (string dir in Directory.GetDirectories(root))
    {
        if (known.Contains(Path.GetFileName(dir)) || !File.Exists(Path.Combine(dir, "case.json")))
            continue;
        if (Directory.EnumerateFileSystemEntries(dir).All(f => ours.Contains(Path.GetFileName(f))))
        {
            Directory.Delete(dir, recursive: true);
            Console.WriteLine($"removed stale case {Path.GetFileName(dir)}");
        }
    }
}
