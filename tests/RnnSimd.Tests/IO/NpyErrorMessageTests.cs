using RnnSimd.IO;
using static RnnSimd.Tests.IO.NpyCompatibilityTests;

namespace RnnSimd.Tests.IO;

/// <summary>Malformed and unsupported npy files: one <see cref="TensorFileException"/> each, one line naming the file and the problem.</summary>
public sealed class NpyErrorMessageTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Problem(byte[] file)
    {
        var e = Assert.Throws<TensorFileException>(() => NpyFile.Read(new MemoryStream(file), "x.npy"));
        Assert.Equal("x.npy", e.FileName);
        Assert.Equal($"x.npy: {e.Problem}", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        return e.Problem;
    }

    private static string Header(string dict) => dict + "\n";

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", "Fortran order is not supported (fortran_order is True); save the array in C order.")]
    [InlineData("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", "big-endian data ('>f4') is not supported; save it little-endian ('<').")]
    [InlineData("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", "object arrays (dtype 'O') are not supported.")]
    [InlineData("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", "the dtype '<c8' is not supported.")]
    [InlineData("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", "structured dtypes (a list as 'descr') are not supported.")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': [2], }", "the header's 'shape' is a list, not a tuple.")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2), }", "the header's 'shape' is the number 2, not a tuple.")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", "shape entry 0 is -2; dimensions must be non-negative.")]
    [InlineData("{'descr': '<f4', 'fortran_order': 0, 'shape': (2,), }", "the header's 'fortran_order' is the number 0, not True or False.")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, }", "the header lacks the key 'shape'.")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}", "the header has the unexpected key 'extra'; npy headers have exactly 'descr', 'fortran_order' and 'shape'.")]
    [InlineData("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", "the header has the key 'descr' twice.")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2,) }}", "the header dict is malformed: text after the header dict at character 56 ('}\\u000a').")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), ", "the header dict is malformed: the header ends inside the dict at the end.")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2.0,), }", "the header dict is malformed: a number that is not an integer at character 51 ('2.0,), }\\u000a').")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", "the header dict is malformed: an integer too large at character 51 ('999999999999').")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2147483648,), }", "shape entry 0 is 2147483648, larger than the 2147483647 supported.")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2147483647, 2147483647, 2147483647), }", "shape (2147483647, 2147483647, 2147483647) of '<f4' has more elements than fit in 2⁶³ bytes.")]
    public void Header_problems(string dict, string problem) =>
        Assert.Equal(problem, Problem(File(1, Header(dict), new byte[8])));

    [Fact]
    public void Data_length_must_match_the_shape_exactly()
    {
        const string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
        Assert.Equal("4 bytes follow the data; shape (2,) of '<f4' needs exactly 8.", Problem(File(1, Header(dict), new byte[12])));
        Assert.Equal("the data is 4 bytes; shape (2,) of '<f4' needs 8.", Problem(File(1, Header(dict), new byte[4])));
        var e = Assert.Throws<TensorFileException>(() => NpyFile.Read(new ForwardOnlyStream(File(1, Header(dict), new byte[9])), "pipe.npy"));
        Assert.Equal("pipe.npy: bytes follow the data; shape (2,) of '<f4' needs exactly 8.", e.Message);
    }

    [Fact]
    public void Preamble_problems()
    {
        Assert.Equal("not an npy file: it does not start with the magic string \\x93NUMPY.", Problem("PK\x03\x04 zip file"u8.ToArray()));
        Assert.Equal("not an npy file: it does not start with the magic string \\x93NUMPY.", Problem([]));
        byte[] v4 = File(1, Header("{}"), []);
        v4[6] = 4;
        Assert.Equal("npy version 4.0 is not supported (1.0, 2.0 and 3.0 are).", Problem(v4));
        byte[] truncated = File(1, Header("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"), [])[..20];
        Assert.Equal("the file ends inside the header (10 of 58 bytes).", Problem(truncated));
        byte[] huge = File(2, "{}\n", []);
        huge[11] = 0x7F;
        Assert.Equal("the header length 2130706435 exceeds the 1048576 bytes accepted.", Problem(huge));
        byte[] badUtf8 = File(3, Header("{'descr': '<f4', 'fortran_order': False, 'shape': (), }"), new byte[4]);
        badUtf8[15] = 0xC3;
        Assert.Equal("the version 3.0 header is not valid UTF-8.", Problem(badUtf8));
    }

    [Fact]
    public void Integer_view_of_floats_is_refused_and_a_missing_file_is_a_tensor_file_error()
    {
        byte[] file = File(1, Header("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }"), new byte[8]);
        NpyArray a = NpyFile.Read(new MemoryStream(file), "x.npy");
        Assert.Equal("x.npy: the array holds F64 floats, which do not read as int64 integers.", Assert.Throws<TensorFileException>(() => a.ToInt64()).Message);
        string missing = Path.Combine(_dir.Path, "missing.npy");
        Assert.Equal($"{missing}: file not found.", Assert.Throws<TensorFileException>(() => NpyFile.Read(missing)).Message);
    }
}
