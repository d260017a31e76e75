namespace RnnSimd;

/// <summary>Argument checks shared by every public edge; messages name the argument and the sizes.</summary>
internal static class Check
{
    /// <summary>A row-major matrix of <paramref name="rows"/> rows of <paramref name="columns"/> floats, <paramref name="stride"/> apart.</summary>
    public static void Matrix(ReadOnlySpan<float> span, int rows, int columns, int stride, string name, string strideName)
    {
        if (rows == 0)
            return;
        if (stride < columns)
            throw new ArgumentException($"{strideName} = {stride} is less than the {columns} columns of {name}.", strideName);
        long needed = (long)(rows - 1) * stride + columns;
        if (span.Length < needed)
            throw new ArgumentException(
                $"{name} has {span.Length} elements; {rows} rows of {columns} with stride {stride} need {needed}.", name);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void ThrowTooShort(string name, int length, long needed, string what)
        => throw new ArgumentException($"{name} has {length} elements; {what} needs {needed}.", name);

    public static void NoOverlap(ReadOnlySpan<float> a, ReadOnlySpan<float> b, string nameA, string nameB)
    {
        if (a.Overlaps(b))
            throw new ArgumentException($"{nameA} and {nameB} overlap; they must be distinct memory.", nameA);
    }

    /// <summary>Either the same memory (same start; an in-place update) or no overlap at all.</summary>
    public static void SameOrApart(ReadOnlySpan<float> a, ReadOnlySpan<float> b, string nameA, string nameB)
    {
        if (a.Overlaps(b, out int offset) && offset != 0)
            throw new ArgumentException($"{nameA} and {nameB} overlap at an offset; they must be the same memory or distinct.", nameA);
    }

    public static void InRange(int value, int min, int max, string name)
    {
        if (value < min || value > max)
            ThrowOutOfRange(value, min, max, name);
    }

    public static void Positive(int value, string name)
    {
        if (value < 1)
            throw new ArgumentOutOfRangeException(name, value, $"{name} = {value} must be at least 1.");
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowOutOfRange(int value, int min, int max, string name)
        => throw new ArgumentOutOfRangeException(name, value, $"{name} = {value} is outside {min}..{max}.");
}
