using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace RnnSimd.Tests.IO;

/// <summary>What an <see cref="Edit"/> does. Header edits work on the header text (and fix its length field); the others on the whole file.</summary>
public enum EditKind
{
    /// <summary>XOR one byte of the header text with a mask.</summary>
    FlipHeader,
    /// <summary>XOR any byte of the file, length fields included.</summary>
    FlipAnywhere,
    /// <summary>Delete a few characters of the header.</summary>
    Delete,
    /// <summary>Repeat a few characters of the header in place.</summary>
    Duplicate,
    /// <summary>Replace one character of the header by a character that matters to the syntax.</summary>
    Replace,
    /// <summary>Replace one run of digits in the header by an interesting number.</summary>
    Number,
    /// <summary>Cut bytes off the end of the file.</summary>
    Truncate,
    /// <summary>Add bytes at the end.</summary>
    Append,
}

/// <summary>
/// One edit. Positions are taken modulo the length of what they edit when applied, so any edit
/// applies to any file and a shrunk case stays valid.
/// </summary>
public sealed record Edit(EditKind Kind, int Position, int Length, int Value)
{
    /// <summary>Characters that change the meaning of a JSON or Python header.</summary>
    public static readonly string Syntax = "{}[](),:\"' -+.0123456789eELTFtfn\\\n\u00e9";

    /// <summary>Numbers at the edges of every integer type the readers meet.</summary>
    public static readonly string[] Numbers =
    [
        "0", "1", "2", "3", "4", "7", "8", "-1", "-0", "01", "1.0", "1e3", "255", "65535", "65536", "2147483647", "2147483648",
        "4294967295", "4294967296", "9223372036854775807", "9223372036854775808", "18446744073709551615", "18446744073709551616",
        "99999999999999999999999999", "100000000", "1048576",
    ];

    public override string ToString() => Kind switch
    {
        EditKind.FlipHeader => $"flip header[{Position}] ^ 0x{Value & 0xFF:x2}",
        EditKind.FlipAnywhere => $"flip byte {Position} ^ 0x{Value & 0xFF:x2}",
        EditKind.Delete => $"delete header[{Position}, +{Length})",
        EditKind.Duplicate => $"duplicate header[{Position}, +{Length})",
        EditKind.Replace => $"replace header[{Position}] by '{Syntax[Value % Syntax.Length]}'",
        EditKind.Number => $"number #{Position} -> {Numbers[Value % Numbers.Length]}",
        EditKind.Truncate => $"cut {Position} bytes off the end",
        _ => $"append {Length} bytes of 0x{Value & 0xFF:x2}",
    };

    public bool EditsHeader => Kind is EditKind.FlipHeader or EditKind.Delete or EditKind.Duplicate or EditKind.Replace or EditKind.Number;

    /// <summary>Biased toward the header: three edits in four touch its text.</summary>
    public static Gen<Edit> Generator() =>
        from kind in Gen.Frequency(
            (4, Gen.Constant(EditKind.FlipHeader)), (2, Gen.Constant(EditKind.FlipAnywhere)), (2, Gen.Constant(EditKind.Delete)),
            (2, Gen.Constant(EditKind.Duplicate)), (3, Gen.Constant(EditKind.Replace)), (4, Gen.Constant(EditKind.Number)),
            (2, Gen.Constant(EditKind.Truncate)), (1, Gen.Constant(EditKind.Append)))
        from position in Gen.Choose(0, 1 << 20)
        from length in Gen.Choose(1, 8)
        from value in Gen.Choose(1, 255)
        select new Edit(kind, position, length, value);

    /// <summary>Simpler forms of the edit: shorter, at the start, the plainest value.</summary>
    public IEnumerable<Edit> Shrink()
    {
        if (Length > 1) yield return this with { Length = 1 };
        if (Value > 1) yield return this with { Value = 1 };
        if (Position > 1) yield return this with { Position = 1 };
        if (Position > 2) yield return this with { Position = Position / 2 };
    }

    /// <summary>Applies the edit to a header text.</summary>
    public byte[] ApplyToHeader(byte[] h)
    {
        if (h.Length == 0 && Kind != EditKind.Number)
            return h;
        int at = h.Length == 0 ? 0 : Position % h.Length;
        int n = Math.Min(Length, h.Length - at);
        switch (Kind)
        {
            case EditKind.FlipHeader:
                h = (byte[])h.Clone();
                h[at] ^= (byte)Value;
                return h;
            case EditKind.Delete:
                return [.. h[..at], .. h[(at + n)..]];
            case EditKind.Duplicate:
                return [.. h[..(at + n)], .. h[at..]];
            case EditKind.Replace:
                return [.. h[..at], .. Encoding.UTF8.GetBytes(Syntax[Value % Syntax.Length].ToString()), .. h[(at + 1)..]];
            case EditKind.Number:
                var runs = new List<(int Start, int End)>();
                for (int i = 0; i < h.Length; i++)
                    if (char.IsAsciiDigit((char)h[i]) && (i == 0 || !char.IsAsciiDigit((char)h[i - 1])))
                    {
                        int end = i;
                        while (end < h.Length && char.IsAsciiDigit((char)h[end]))
                            end++;
                        runs.Add((i, end));
                    }
                if (runs.Count == 0)
                    return h;
                (int s, int e) = runs[Position % runs.Count];
                return [.. h[..s], .. Encoding.ASCII.GetBytes(Numbers[Value % Numbers.Length]), .. h[e..]];
            default:
                return h;
        }
    }

    /// <summary>Applies the edit to the whole file.</summary>
    public byte[] ApplyToFile(byte[] f) => Kind switch
    {
        EditKind.FlipAnywhere when f.Length > 0 => Flip(f, Position % f.Length, (byte)Value),
        EditKind.Truncate => f[..(f.Length - Position % (f.Length + 1))],
        EditKind.Append => [.. f, .. Enumerable.Repeat((byte)Value, Length)],
        _ => f,
    };

    private static byte[] Flip(byte[] f, int at, byte mask)
    {
        f = (byte[])f.Clone();
        f[at] ^= mask;
        return f;
    }
}

/// <summary>A valid file, and the edits that corrupt it.</summary>
public sealed record CorruptionCase(int Seed, int Size, Edit[] Edits)
{
    public override string ToString() =>
        $"base seed {Seed} size {Size}; edits [{string.Join(", ", Edits.Select(e => e.ToString()))}]";

    public static Arbitrary<CorruptionCase> Arbitrary(int maxEdits = 6) =>
        Arb.From(
            from seed in Gen.Choose(0, int.MaxValue)
            from size in Gen.Choose(0, 4)
            from count in Gen.Choose(1, maxEdits)
            from edits in Edit.Generator().ArrayOf(count)
            select new CorruptionCase(seed, size, edits),
            Shrink);

    /// <summary>Fewer edits first, then simpler edits, then a smaller base file.</summary>
    private static IEnumerable<CorruptionCase> Shrink(CorruptionCase c)
    {
        for (int i = 0; i < c.Edits.Length; i++)
            yield return c with { Edits = [.. c.Edits[..i], .. c.Edits[(i + 1)..]] };
        for (int i = 0; i < c.Edits.Length; i++)
            foreach (Edit simpler in c.Edits[i].Shrink())
            {
                Edit[] edits = (Edit[])c.Edits.Clone();
                edits[i] = simpler;
                yield return c with { Edits = edits };
            }
        if (c.Size > 0)
            yield return c with { Size = c.Size - 1 };
    }

    /// <summary>
    /// The corrupted file: header edits on the text between <paramref name="headerStart"/> and
    /// <paramref name="headerEnd"/> with the length field rewritten by <paramref name="setLength"/>,
    /// then whole-file edits.
    /// </summary>
    public byte[] Apply(byte[] file, int headerStart, int headerEnd, Action<byte[], int> setLength)
    {
        byte[] header = file[headerStart..headerEnd];
        foreach (Edit e in Edits.Where(e => e.EditsHeader))
            header = e.ApplyToHeader(header);
        byte[] result = [.. file[..headerStart], .. header, .. file[headerEnd..]];
        setLength(result, header.Length);
        foreach (Edit e in Edits.Where(e => !e.EditsHeader))
            result = e.ApplyToFile(result);
        return result;
    }

    /// <summary>The header part of a corrupted file, printable, for failure messages.</summary>
    public static string Printable(ReadOnlySpan<byte> bytes)
    {
        var b = new StringBuilder();
        foreach (byte x in bytes[..Math.Min(bytes.Length, 400)])
            b.Append(x is >= 0x20 and < 0x7F && x != '\\' ? ((char)x).ToString() : "\\x" + x.ToString("x2", CultureInfo.InvariantCulture));
        return b.ToString();
    }

    public static void SetUInt64(byte[] f, int n) => BinaryPrimitives.WriteUInt64LittleEndian(f, (ulong)n);
}
