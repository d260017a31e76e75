namespace RnnSimd.Kernels;

/// <summary>
/// A K×N right-hand matrix (K = reduction length, N = output columns) repacked once for the GEMM
/// micro-kernels of one SIMD path: column panels <see cref="PanelWidth"/> wide (two vectors), each
/// stored as K consecutive rows of PanelWidth floats, the last panel zero-padded. A micro-kernel
/// therefore streams one panel front to back with aligned loads and no tail in its inner loop.
/// </summary>
internal sealed unsafe class PackedMatrix : IDisposable
{
    /// <summary>Vectors per panel: two keeps 6 rows × 2 vectors of accumulators inside 16 registers.</summary>
    public const int VectorsPerPanel = 2;

    private readonly AlignedBuffer _buffer;

    private PackedMatrix(int rows, int columns, SimdPath path)
    {
        if (rows < 1)
            throw new ArgumentOutOfRangeException(nameof(rows), rows, "A packed matrix needs at least one row (K).");
        if (columns < 1)
            throw new ArgumentOutOfRangeException(nameof(columns), columns, "A packed matrix needs at least one column (N).");
        Rows = rows;
        Columns = columns;
        Path = path;
        PanelWidth = VectorsPerPanel * Isa.Lanes(path);
        PanelCount = (columns + PanelWidth - 1) / PanelWidth;
        _buffer = new AlignedBuffer((long)PanelCount * rows * PanelWidth);
    }

    /// <summary>K: the reduction length.</summary>
    public int Rows { get; }

    /// <summary>N: the output columns.</summary>
    public int Columns { get; }

    /// <summary>The path whose micro-kernels this layout serves.</summary>
    public SimdPath Path { get; }

    /// <summary>Columns per panel (two vectors of the path).</summary>
    public int PanelWidth { get; }

    public int PanelCount { get; }

    /// <summary>Floats from one panel to the next.</summary>
    public long PanelStride => (long)Rows * PanelWidth;

    public float* Data => _buffer.Pointer;

    public bool IsDisposed => _buffer.IsDisposed;

    /// <summary>Packs B given row-major as K rows of N (the row convention's weight, e.g. W_hh of h·W_hh).</summary>
    public static PackedMatrix FromRowMajor(ReadOnlySpan<float> source, int rows, int columns, SimdPath path)
    {
        var packed = new PackedMatrix(rows, columns, path);
        packed.Fill(source, rowStride: columns, columnStride: 1);
        return packed;
    }

    /// <summary>
    /// Packs Bᵀ given row-major as N rows of K (PyTorch's weight layout: x·Wᵀ), so that the
    /// product is A·Wᵀ.
    /// </summary>
    public static PackedMatrix FromTransposed(ReadOnlySpan<float> source, int rows, int columns, SimdPath path)
    {
        var packed = new PackedMatrix(rows, columns, path);
        packed.Fill(source, rowStride: 1, columnStride: rows);
        return packed;
    }

    /// <summary>Element (k, n) of the logical matrix, read back from the packed layout.</summary>
    public float this[int k, int n]
    {
        get
        {
            if ((uint)k >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(k));
            if ((uint)n >= (uint)Columns) throw new ArgumentOutOfRangeException(nameof(n));
            return Data[(n / PanelWidth) * PanelStride + (long)k * PanelWidth + n % PanelWidth];
        }
    }

    private void Fill(ReadOnlySpan<float> source, int rowStride, int columnStride)
    {
        long needed = (long)Rows * Columns;
        if (source.Length != needed)
            throw new ArgumentException(
                $"The matrix has {source.Length} elements; {Rows}×{Columns} needs {needed}.", nameof(source));
        float* data = Data;
        for (int n = 0; n < Columns; n++)
        {
            float* panelColumn = data + (n / PanelWidth) * PanelStride + n % PanelWidth;
            for (int k = 0; k < Rows; k++)
                panelColumn[(long)k * PanelWidth] = source[k * rowStride + n * columnStride];
        }
    }

    public void Dispose() => _buffer.Dispose();
}
