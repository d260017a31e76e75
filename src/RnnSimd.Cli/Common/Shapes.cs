using System.Globalization;

namespace RnnSimd.Cli.Common;

/// <summary>Shapes in messages, as numpy prints them: "(2, 3)", and "(3,)" for one dimension.</summary>
internal static class Shapes
{
    public static string Format(IReadOnlyList<int> shape) =>
        shape.Count == 1 ? $"({shape[0].ToString(CultureInfo.InvariantCulture)},)"
        : "(" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")";

    /// <summary>The element count, or null if it exceeds what one .NET array holds.</summary>
    public static int? ElementCount(IReadOnlyList<int> shape)
    {
        long count = 1;
        foreach (int d in shape)
        {
            count *= d;
            if (count > Array.MaxLength)
                return null;
        }
        return (int)count;
    }
}
