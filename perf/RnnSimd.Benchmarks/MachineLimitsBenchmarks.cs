using RnnSimd.Kernels.Vectors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;

namespace RnnSimd.Benchmarks;

/// <summary>
/// What this CPU can do, measured the same way as RnnSimd itself, so that RnnSimd's GFLOP/s can be
/// read as a fraction of the machine's FMA peak and of its read bandwidth at the working-set size a
/// shape needs (one thread), and its two-thread gain against what splitting a step's product over
/// two cores gains (<see cref="TwoCores"/>, in its own file). One class per set of parameters: the
/// bandwidth sizes and thread counts are parameters the FMA loops do not have (as one class, every
/// FMA case would run once per size). Filter: '*MachineLimits*'.
/// </summary>
public static partial class MachineLimitsBenchmarks
{
    /// <summary>
    /// FMA peak per vector width: 12 independent accumulators, enough to hide a 4-cycle FMA latency
    /// on 2 FMA ports (8 in flight) with room to spare. acc = acc·m + c with m = 0.999, c = 0.001
    /// converges to 1, so no value ever overflows or turns subnormal (which would slow the loop).
    /// The vectors start in fields and the sum is returned, so the JIT can neither fold nor drop
    /// the loop. A width this machine does not accelerate returns at once; its GFLOP/s shows "-".
    /// </summary>
    [MemoryDiagnoser]
    [FmaGflopsColumn]
    public class Fma
    {
        public const int Iterations = 10_000_000;
        public const int Accumulators = 12;

        private float _multiplier = 0.999f;
        private float _addend = 0.001f;

        /// <summary>2 FLOPs × lanes × FMAs; null for other benchmarks and for unaccelerated widths.</summary>
        public static double? FlopsPerInvocation(BenchmarkCase benchmarkCase)
        {
            if (benchmarkCase.Descriptor.Type != typeof(Fma))
                return null;
            int lanes = benchmarkCase.Descriptor.WorkloadMethod.Name switch
            {
                nameof(Fma512) when Vector512.IsHardwareAccelerated => Vector512<float>.Count,
                nameof(Fma256) when Vector256.IsHardwareAccelerated => Vector256<float>.Count,
                nameof(Fma128) when Vector128.IsHardwareAccelerated => Vector128<float>.Count,
                _ => 0,
            };
            return lanes == 0 ? null : 2.0 * lanes * Accumulators * (double)Iterations;
        }

        [Benchmark]
        public float Fma512() => Peak<Vec512>();

        [Benchmark]
        public float Fma256() => Peak<Vec256>();

        [Benchmark]
        public float Fma128() => Peak<Vec128>();

        private readonly float[] _lanes = new float[16];

        /// <summary>
        /// One loop for every width, over the engine's own vector abstraction (so MulAdd is the
        /// multiply-add the kernels use). The result leaves through a field, not a stackalloc: a
        /// stackalloc in the method makes the JIT store the accumulators on every iteration.
        /// </summary>
        private float Peak<TVec>() where TVec : struct, IVec<TVec>
        {
            if (!TVec.IsSupported)
                return 0; // Software fallback: not a hardware limit, nothing to measure.
            TVec m = TVec.Broadcast(_multiplier);
            TVec c = TVec.Broadcast(_addend);
            TVec a0 = c, a1 = TVec.Add(c, c), a2 = TVec.Add(a1, c), a3 = TVec.Add(a2, c), a4 = TVec.Add(a3, c), a5 = TVec.Add(a4, c);
            TVec a6 = TVec.Add(a5, c), a7 = TVec.Add(a6, c), a8 = TVec.Add(a7, c), a9 = TVec.Add(a8, c), a10 = TVec.Add(a9, c), a11 = TVec.Add(a10, c);
            for (int i = 0; i < Iterations; i++)
            {
                a0 = TVec.MulAdd(a0, m, c);
                a1 = TVec.MulAdd(a1, m, c);
                a2 = TVec.MulAdd(a2, m, c);
                a3 = TVec.MulAdd(a3, m, c);
                a4 = TVec.MulAdd(a4, m, c);
                a5 = TVec.MulAdd(a5, m, c);
                a6 = TVec.MulAdd(a6, m, c);
                a7 = TVec.MulAdd(a7, m, c);
                a8 = TVec.MulAdd(a8, m, c);
                a9 = TVec.MulAdd(a9, m, c);
                a10 = TVec.MulAdd(a10, m, c);
                a11 = TVec.MulAdd(a11, m, c);
            }
            TVec sum = TVec.Add(TVec.Add(TVec.Add(TVec.Add(a0, a1), TVec.Add(a2, a3)), TVec.Add(TVec.Add(a4, a5), TVec.Add(a6, a7))),
                TVec.Add(TVec.Add(a8, a9), TVec.Add(a10, a11)));
            TVec.Store(sum, ref _lanes[0]);
            float total = 0;
            for (int i = 0; i < TVec.Count; i++)
                total += _lanes[i];
            return total;
        }
    }

    /// <summary>
    /// Read bandwidth at the working-set sizes RnnSimd's weights span: 32 KiB (L1), 256 KiB and
    /// 1 MiB (L2), 8 MiB (L3 on most parts: B1H1024's W_hh) and 256 MiB (DRAM). The buffer is
    /// native, 64-byte aligned (no load splits a cache line) and written in setup, so its pages are
    /// committed before timing and nothing is allocated on the managed heap. One invocation sums it
    /// with the widest accelerated vector loads into 8 independent accumulators, repeating the pass
    /// until at least 64 MiB are read, so small sizes are not timed on loop start-up alone.
    /// </summary>
    [MemoryDiagnoser]
    [ReadGBpsColumn]
    public unsafe class ReadBandwidth
    {
        public const long MinBytesPerInvocation = 64L << 20;

        [Params(32, 256, 1024, 8192, 262144)]
        public int WorkingSetKiB { get; set; }

        private float* _buffer;
        private long _bytes;
        private int _passes;

        public static long Passes(long bytes) => Math.Max(1, MinBytesPerInvocation / bytes);

        /// <summary>Bytes read per invocation; null for other benchmarks.</summary>
        public static double? BytesPerInvocation(BenchmarkCase benchmarkCase)
        {
            if (benchmarkCase.Descriptor.Type != typeof(ReadBandwidth)
                || benchmarkCase.Parameters[nameof(WorkingSetKiB)] is not int kib)
                return null;
            long bytes = kib * 1024L;
            return (double)bytes * Passes(bytes);
        }

        [GlobalSetup]
        public void Setup()
        {
            _bytes = WorkingSetKiB * 1024L;
            _passes = (int)Passes(_bytes);
            _buffer = (float*)NativeMemory.AlignedAlloc((nuint)_bytes, 64);
            new Span<float>(_buffer, (int)(_bytes / sizeof(float))).Fill(1f);
        }

        [GlobalCleanup]
        public void Cleanup()
        {
            NativeMemory.AlignedFree(_buffer);
            _buffer = null;
        }

        [Benchmark]
        public float Read()
        {
            float sum = 0;
            long floats = _bytes / sizeof(float);
            for (int pass = 0; pass < _passes; pass++)
                sum += Vector512.IsHardwareAccelerated ? Sum512(_buffer, floats) : Sum256(_buffer, floats);
            return sum;
        }

        /// <summary>One pass: 8 aligned 64-byte loads per step (every size here is a multiple of 512 bytes).</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static float Sum512(float* p, long floats)
        {
            Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default,
                s4 = default, s5 = default, s6 = default, s7 = default;
            int n = Vector512<float>.Count;
            for (float* end = p + floats; p < end; p += 8 * n)
            {
                s0 += Vector512.LoadAligned(p);
                s1 += Vector512.LoadAligned(p + n);
                s2 += Vector512.LoadAligned(p + 2 * n);
                s3 += Vector512.LoadAligned(p + 3 * n);
                s4 += Vector512.LoadAligned(p + 4 * n);
                s5 += Vector512.LoadAligned(p + 5 * n);
                s6 += Vector512.LoadAligned(p + 6 * n);
                s7 += Vector512.LoadAligned(p + 7 * n);
            }
            return Vector512.Sum(((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)));
        }

        /// <summary>As <see cref="Sum512"/> with 32-byte loads, for machines without accelerated Vector512.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static float Sum256(float* p, long floats)
        {
            Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default,
                s4 = default, s5 = default, s6 = default, s7 = default;
            int n = Vector256<float>.Count;
            for (float* end = p + floats; p < end; p += 8 * n)
            {
                s0 += Vector256.LoadAligned(p);
                s1 += Vector256.LoadAligned(p + n);
                s2 += Vector256.LoadAligned(p + 2 * n);
                s3 += Vector256.LoadAligned(p + 3 * n);
                s4 += Vector256.LoadAligned(p + 4 * n);
                s5 += Vector256.LoadAligned(p + 5 * n);
                s6 += Vector256.LoadAligned(p + 6 * n);
                s7 += Vector256.LoadAligned(p + 7 * n);
            }
            return Vector256.Sum(((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)));
        }
    }
}
