using System.Globalization;
using System.Text;

namespace RnnSimd.IO;

/// <summary>Names and strings from a file, quoted for a one-line message: control characters escaped, long ones cut.</summary>
internal static class TensorNames
{
    private const int MaxShown = 80;

    public static string Quote(string s)
    {
        var b = new StringBuilder(Math.Min(s.Length, MaxShown) + 8).Append('\'');
        for (int i = 0; i < s.Length; i++)
        {
            if (i == MaxShown)
            {
                b.Append($"…' ({s.Length} characters)");
                return b.ToString();
            }
            char c = s[i];
            if (c == '\'' || c == '\\')
                b.Append('\\').Append(c);
            else if (char.IsControl(c) || char.IsSurrogate(c) && !IsPaired(s, i))
                b.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else
                b.Append(c);
        }
        return b.Append('\'').ToString();
    }

    private static bool IsPaired(string s, int i) =>
        char.IsHighSurrogate(s[i]) ? i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])
        : i > 0 && char.IsHighSurrogate(s[i - 1]);
}
