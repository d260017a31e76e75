using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace RnnSimd.IO;

/// <summary>
/// The npy header: the magic string, the version, the header length and the Python dict literal
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3), }</c>. Parsed strictly: exactly those
/// three keys, each once, with a string, a boolean and a tuple of non-negative integers.
/// </summary>
internal static class NpyHeader
{
    public static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Longest header text read (numpy itself refuses more than 10,000 characters unless told otherwise).</summary>
    public const int MaxHeaderLength = 1 << 20;

    private const int Align = 64;

    /// <summary>numpy leaves room after the header for the first dimension to grow to 21 digits.</summary>
    private const int GrowthAxisMaxDigits = 21;

    /// <summary>Everything before the data, exactly as numpy 1.24+ writes it: version 1.0 unless the header needs 2.0.</summary>
    public static byte[] Format(string descr, ReadOnlySpan<int> shape)
    {
        var text = new StringBuilder();
        text.Append("{'descr': '").Append(descr).Append("', 'fortran_order': False, 'shape': ")
            .Append(DTypes.FormatShape(shape)).Append(", }");
        if (shape.Length > 0)
            text.Append(' ', GrowthAxisMaxDigits - shape[0].ToString(CultureInfo.InvariantCulture).Length);
        byte[] header = Encoding.ASCII.GetBytes(text.ToString());
        for (int lengthBytes = 2; ; lengthBytes = 4)
        {
            int prefix = Magic.Length + 2 + lengthBytes;
            int padding = Align - (prefix + header.Length + 1) % Align;
            int headerLength = header.Length + padding + 1;
            if (lengthBytes == 2 && headerLength > ushort.MaxValue)
                continue;
            var result = new byte[prefix + headerLength];
            Magic.CopyTo(result);
            result[6] = (byte)(lengthBytes == 2 ? 1 : 2);
            result[7] = 0;
            if (lengthBytes == 2)
                BinaryPrimitives.WriteUInt16LittleEndian(result.AsSpan(8), (ushort)headerLength);
            else
                BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(8), (uint)headerLength);
            header.CopyTo(result, prefix);
            result.AsSpan(prefix + header.Length, padding).Fill((byte)' ');
            result[^1] = (byte)'\n';
            return result;
        }
    }

    /// <summary>The dtype and shape of a header text (already decoded; version 1.0/2.0 latin-1, 3.0 UTF-8).</summary>
    public static (TensorDType DType, int[] Shape) Parse(string text, string fileName, bool allowLongSuffix)
    {
        var parser = new Parser(text, fileName, allowLongSuffix);
        Dictionary<string, object> dict = parser.ParseHeader();
        foreach (string key in dict.Keys)
            if (key is not ("descr" or "fortran_order" or "shape"))
                throw Error(fileName, $"the header has the unexpected key {Quote(key)}; npy headers have exactly 'descr', 'fortran_order' and 'shape'.");
        foreach (string key in (string[])["descr", "fortran_order", "shape"])
            if (!dict.ContainsKey(key))
                throw Error(fileName, $"the header lacks the key '{key}'.");

        if (dict["fortran_order"] is not bool fortran)
            throw Error(fileName, $"the header's 'fortran_order' is {Describe(dict["fortran_order"])}, not True or False.");
        if (fortran)
            throw Error(fileName, "Fortran order is not supported (fortran_order is True); save the array in C order.");

        TensorDType dtype = dict["descr"] switch
        {
            string descr => DType(descr, fileName),
            PyList => throw Error(fileName, "structured dtypes (a list as 'descr') are not supported."),
            object other => throw Error(fileName, $"the header's 'descr' is {Describe(other)}, not a type string."),
        };

        if (dict["shape"] is not PyTuple tuple)
            throw Error(fileName, $"the header's 'shape' is {Describe(dict["shape"])}, not a tuple.");
        var shape = new int[tuple.Items.Count];
        for (int i = 0; i < shape.Length; i++)
        {
            if (tuple.Items[i] is not long d)
                throw Error(fileName, $"shape entry {i} is {Describe(tuple.Items[i])}, not an integer.");
            if (d < 0)
                throw Error(fileName, $"shape entry {i} is {d}; dimensions must be non-negative.");
            if (d > int.MaxValue)
                throw Error(fileName, $"shape entry {i} is {d}, larger than the {int.MaxValue} supported.");
            shape[i] = (int)d;
        }
        return (dtype, shape);
    }

    /// <summary>The dtype of an npy type string: byte order, kind, size.</summary>
    public static TensorDType DType(string descr, string fileName)
    {
        if (descr.Length < 2 || descr[0] is not ('<' or '>' or '|' or '='))
            return descr is "O" or "|O" or "<O" or ">O" or "=O"
                ? throw Error(fileName, "object arrays (dtype 'O') are not supported.")
                : throw Error(fileName, $"the dtype {Quote(descr)} is not supported.");
        char order = descr[0];
        TensorDType? dtype = descr.AsSpan(1) switch
        {
            "f2" => TensorDType.F16,
            "f4" => TensorDType.F32,
            "f8" => TensorDType.F64,
            "i1" => TensorDType.I8,
            "i2" => TensorDType.I16,
            "i4" => TensorDType.I32,
            "i8" => TensorDType.I64,
            "u1" => TensorDType.U8,
            "u2" => TensorDType.U16,
            "u4" => TensorDType.U32,
            "u8" => TensorDType.U64,
            "b1" => TensorDType.BOOL,
            _ => null,
        };
        if (dtype is null)
            throw descr.AsSpan(1) is "O" or "O8" or "O4"
                ? Error(fileName, "object arrays (dtype 'O') are not supported.")
                : Error(fileName, $"the dtype {Quote(descr)} is not supported.");
        if (DTypes.ItemSize(dtype.Value) > 1)
        {
            if (order == '>')
                throw Error(fileName, $"big-endian data ({Quote(descr)}) is not supported; save it little-endian ('<').");
            if (order != '<')
                throw Error(fileName, $"the dtype {Quote(descr)} does not say little-endian ('<').");
        }
        return dtype.Value;
    }

    private static TensorFileException Error(string fileName, string problem) => new(fileName, problem);

    private static string Quote(string s) => TensorNames.Quote(s);

    private static string Describe(object value) => value switch
    {
        string s => $"the string {Quote(s)}",
        long n => $"the number {n}",
        bool b => b ? "True" : "False",
        PyTuple => "a tuple",
        PyList => "a list",
        _ => "None",
    };

    private sealed record PyTuple(List<object> Items);

    private sealed record PyList(List<object> Items);

    private sealed class PyNone
    {
        public static readonly PyNone Value = new();
    }

    /// <summary>The subset of Python literal syntax numpy headers use: a dict of strings, integers, True/False/None, tuples and lists.</summary>
    private sealed class Parser(string text, string fileName, bool allowLongSuffix)
    {
        private const int MaxDepth = 32;
        private int _pos;

        public Dictionary<string, object> ParseHeader()
        {
            SkipSpace();
            Expect('{', "the header does not start with '{'");
            var dict = new Dictionary<string, object>(StringComparer.Ordinal);
            while (true)
            {
                SkipSpace();
                if (TryTake('}'))
                    break;
                int at = _pos;
                if (ParseValue(1) is not string key)
                    throw Fail(at, "a dict key that is not a string");
                SkipSpace();
                Expect(':', "expected ':' after a key");
                SkipSpace();
                object value = ParseValue(1);
                if (!dict.TryAdd(key, value))
                    throw Error(fileName, $"the header has the key {Quote(key)} twice.");
                SkipSpace();
                if (TryTake('}'))
                    break;
                Expect(',', "expected ',' or '}' after a value");
            }
            SkipSpace();
            if (_pos != text.Length)
                throw Fail(_pos, "text after the header dict");
            return dict;
        }

        private object ParseValue(int depth)
        {
            if (depth > MaxDepth)
                throw Fail(_pos, "values nested too deeply");
            if (_pos >= text.Length)
                throw Fail(_pos, "the header ends inside the dict");
            char c = text[_pos];
            switch (c)
            {
                case '\'' or '"':
                    return ParseString(c);
                case '(' or '[':
                    return ParseSequence(c, depth);
                case '{':
                    throw Fail(_pos, "a nested dict");
                case '-' or '+' or (>= '0' and <= '9'):
                    return ParseInteger();
            }
            int start = _pos;
            while (_pos < text.Length && char.IsAsciiLetter(text[_pos]))
                _pos++;
            return text.AsSpan(start, _pos - start) switch
            {
                "True" => true,
                "False" => false,
                "None" => PyNone.Value,
                _ => throw Fail(start, "an unexpected character"),
            };
        }

        private string ParseString(char quote)
        {
            int start = ++_pos;
            while (_pos < text.Length && text[_pos] != quote)
            {
                if (text[_pos] is '\\')
                    throw Fail(_pos, "a backslash escape in a string (not supported)");
                if (text[_pos] is '\n' or '\r')
                    throw Fail(_pos, "a line break inside a string");
                _pos++;
            }
            if (_pos >= text.Length)
                throw Fail(start - 1, "an unterminated string");
            return text[start.._pos++];
        }

        private object ParseSequence(char open, int depth)
        {
            char close = open == '(' ? ')' : ']';
            _pos++;
            var items = new List<object>();
            bool comma = false;
            while (true)
            {
                SkipSpace();
                if (TryTake(close))
                    break;
                items.Add(ParseValue(depth + 1));
                SkipSpace();
                if (TryTake(close))
                {
                    comma = false;
                    break;
                }
                Expect(',', $"expected ',' or '{close}' in a {(open == '(' ? "tuple" : "list")}");
                comma = true;
            }
            if (open == '[')
                return new PyList(items);
            // (x) is x in Python, not a tuple; (x,) and (x, y) and () are tuples.
            if (items.Count == 1 && !comma)
                return items[0];
            return new PyTuple(items);
        }

        private long ParseInteger()
        {
            int start = _pos;
            bool negative = false;
            if (text[_pos] is '-' or '+')
            {
                negative = text[_pos] == '-';
                _pos++;
                SkipSpace();
            }
            int digits = _pos;
            while (_pos < text.Length && char.IsAsciiDigit(text[_pos]))
                _pos++;
            if (_pos == digits)
                throw Fail(start, "a sign without digits");
            if (text[digits] == '0' && _pos - digits > 1)
                throw Fail(start, "an integer with a leading zero");
            if (!long.TryParse(text.AsSpan(digits, _pos - digits), NumberStyles.None, CultureInfo.InvariantCulture, out long value))
                throw Fail(start, "an integer too large");
            if (allowLongSuffix && _pos < text.Length && text[_pos] is 'L' or 'l')
                _pos++;
            if (_pos < text.Length && (char.IsAsciiLetterOrDigit(text[_pos]) || text[_pos] is '.' or '_'))
                throw Fail(start, "a number that is not an integer");
            return negative ? -value : value;
        }

        private void SkipSpace()
        {
            while (_pos < text.Length && text[_pos] is ' ' or '\t' or '\n' or '\r' or '\f' or '\v')
                _pos++;
        }

        private bool TryTake(char c)
        {
            if (_pos < text.Length && text[_pos] == c)
            {
                _pos++;
                return true;
            }
            return false;
        }

        private void Expect(char c, string problem)
        {
            if (!TryTake(c))
                throw Fail(_pos, problem);
        }

        private TensorFileException Fail(int at, string problem)
        {
            string near = at >= text.Length ? "at the end"
                : $"at character {at} ({Quote(text.Substring(at, Math.Min(12, text.Length - at)))})";
            return Error(fileName, $"the header dict is malformed: {problem} {near}.");
        }
    }
}
