// Measures RnnSimd's tanh and sigmoid over all 2³² floats, on every SIMD path this machine runs,
// against the correctly rounded result (computed in double, rounded to float). Prints the
// markdown table that docs/numerics.md quotes.
//
//   dotnet run -c Release --project tools/ActivationAccuracy            (all available paths)
//   dotnet run -c Release --project tools/ActivationAccuracy -- Vector256 Scalar
using RnnSimd;

var paths = args.Length > 0 ? args.Select(Enum.Parse<SimdPath>).ToArray() : Isa.Available.Reverse().ToArray();
var functions = new[] { Function.Tanh, Function.Sigmoid };
var stats = new Dictionary<(Function, SimdPath), Stats>();
foreach (var f in functions)
    foreach (var p in paths)
        stats[(f, p)] = new Stats();

const int ChunkBits = 20;
const int Chunks = 1 << (32 - ChunkBits);
var started = DateTime.UtcNow;
Parallel.For(0, Chunks, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
    () => new Worker(paths, functions),
    (chunk, _, worker) => { worker.Run((uint)chunk << ChunkBits, 1 << ChunkBits); return worker; },
    worker => { lock (stats) worker.MergeInto(stats); });

Console.WriteLine($"All 2^32 floats, {(DateTime.UtcNow - started).TotalSeconds:F0} s, {Environment.ProcessorCount} threads, FMA: {Isa.HasFma}");
Console.WriteLine();
Console.WriteLine("| function | path | max ulp (exact result normal) | inputs > 1 ulp | inputs > 3 ulp | saturation not exact | subnormal result (tanh: not ±0 for subnormal x; sigmoid: not 0 where exact is subnormal) | NaN not kept |");
Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
foreach (var f in functions)
    foreach (var p in paths)
    {
        var s = stats[(f, p)];
        Console.WriteLine($"| {f.ToString().ToLowerInvariant()} | {p} | {s.MaxUlp} (at {s.WorstInput:R}) | {s.Over1:N0} | {s.Over3:N0} | {s.BadSaturation:N0} | {s.BadSubnormal:N0} | {s.BadNaN:N0} |");
    }
return stats.Values.Any(s => s.MaxUlp > 3 || s.BadSaturation > 0 || s.BadSubnormal > 0 || s.BadNaN > 0) ? 1 : 0;

enum Function { Tanh, Sigmoid }

sealed class Stats
{
    public long MaxUlp;
    public float WorstInput;
    public long Over1, Over3, BadSaturation, BadSubnormal, BadNaN;

    public void Merge(Stats o)
    {
        if (o.MaxUlp > MaxUlp) { MaxUlp = o.MaxUlp; WorstInput = o.WorstInput; }
        Over1 += o.Over1; Over3 += o.Over3; BadSaturation += o.BadSaturation; BadSubnormal += o.BadSubnormal; BadNaN += o.BadNaN;
    }
}

sealed class Worker(SimdPath[] paths, Function[] functions)
{
    private static readonly float TanhSaturation = Smallest(x => (float)Math.Tanh(x) == 1f, 8f);
    private static readonly float SigmoidSaturation = Smallest(x => (float)Sigmoid(x) == 1f, 15f);
    private static readonly double SmallestNormal = Math.Pow(2, -126);

    private readonly Dictionary<(Function, SimdPath), Stats> _stats =
        functions.SelectMany(f => paths.Select(p => (f, p))).ToDictionary(k => k, _ => new Stats());
    private float[] _x = [], _want = [], _got = [];

    public void Run(uint first, int count)
    {
        if (_x.Length != count) { _x = new float[count]; _want = new float[count]; _got = new float[count]; }
        for (int i = 0; i < count; i++)
            _x[i] = BitConverter.UInt32BitsToSingle(first + (uint)i);
        foreach (var f in functions)
        {
            for (int i = 0; i < count; i++)
                _want[i] = (float)(f == Function.Tanh ? Math.Tanh(_x[i]) : Sigmoid(_x[i]));
            foreach (var p in paths)
            {
                if (f == Function.Tanh) Activations.Tanh(_x, _got, p); else Activations.Sigmoid(_x, _got, p);
                Score(f, _stats[(f, p)]);
            }
        }
    }

    private void Score(Function f, Stats s)
    {
        for (int i = 0; i < _x.Length; i++)
        {
            float x = _x[i], want = _want[i], got = _got[i];
            if (float.IsNaN(x)) { if (!float.IsNaN(got)) s.BadNaN++; continue; }
            if (f == Function.Tanh && Math.Abs(x) >= TanhSaturation)
            {
                if (got != MathF.CopySign(1f, x)) s.BadSaturation++;
                continue;
            }
            if (f == Function.Tanh && !float.IsNormal(x))
            {
                if (BitConverter.SingleToInt32Bits(got) != BitConverter.SingleToInt32Bits(MathF.CopySign(0f, x))) s.BadSubnormal++;
                continue;
            }
            if (f == Function.Sigmoid && x >= SigmoidSaturation)
            {
                if (got != 1f) s.BadSaturation++;
                continue;
            }
            if (f == Function.Sigmoid && Sigmoid(x) < SmallestNormal)
            {
                if (BitConverter.SingleToInt32Bits(got) != 0) s.BadSubnormal++;
                continue;
            }
            if (!float.IsNormal(want))
                continue;
            long ulp = Distance(got, want);
            if (ulp > 1) s.Over1++;
            if (ulp > 3) s.Over3++;
            if (ulp > s.MaxUlp) { s.MaxUlp = ulp; s.WorstInput = x; }
        }
    }

    public void MergeInto(Dictionary<(Function, SimdPath), Stats> total)
    {
        foreach (var (k, v) in _stats)
            total[k].Merge(v);
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static float Smallest(Func<double, bool> predicate, float x)
    {
        while (!predicate(x)) x = MathF.BitIncrement(x);
        return x;
    }

    private static long Distance(float a, float b)
    {
        static long Ordered(float f)
        {
            int bits = BitConverter.SingleToInt32Bits(f);
            return bits < 0 ? int.MinValue - (long)bits : bits;
        }
        return Math.Abs(Ordered(a) - Ordered(b));
    }
}
