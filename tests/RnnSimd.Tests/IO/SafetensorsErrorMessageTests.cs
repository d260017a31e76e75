using RnnSimd.IO;
using static RnnSimd.Tests.IO.SafetensorsCompatibilityTests;

namespace RnnSimd.Tests.IO;

/// <summary>Malformed safetensors files: one <see cref="TensorFileException"/> each, one line naming the file, the key and the problem.</summary>
public sealed class SafetensorsErrorMessageTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Entry(string dtype, string shape, long begin, long end) =>
        $$"""{"dtype":"{{dtype}}","shape":{{shape}},"data_offsets":[{{begin}},{{end}}]}""";

    private static string Problem(byte[] file)
    {
        var e = Assert.Throws<TensorFileException>(() => Open(file).Dispose());
        Assert.Equal("model.safetensors", e.FileName);
        Assert.Equal($"model.safetensors: {e.Problem}", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        return e.Problem;
    }

    [Fact]
    public void Offsets_past_the_data_section() =>
        Assert.Equal("tensor 'weight_hh_l0' data offsets [0, 96) end past the data section (64 bytes).",
            Problem(File($$"""{"weight_hh_l0":{{Entry("F32", "[4,6]", 0, 96)}}}""", new byte[64])));

    [Theory]
    [InlineData("""{"a":ENTRY_A,"a":ENTRY_A}""", "the header has the key 'a' twice.")]
    [InlineData("""{"a":{"dtype":"F33","shape":[1],"data_offsets":[0,4]}}""", "tensor 'a': unknown dtype 'F33'.")]
    [InlineData("""{"a":{"dtype":"F4","shape":[1],"data_offsets":[0,4]}}""", "tensor 'a': dtype 'F4' is not supported.")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}""", "tensor 'a' data offsets [0, 4) span 4 bytes; shape [2] of F32 needs 8.")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}""", "tensor 'a' data offsets [4, 0) end before they begin.")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[2],"data_offsets":[2,10]}}""",
        "tensor 'b' data offsets [2, 10) start inside tensor 'a' [0, 4) (tensors must not overlap).")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[],"data_offsets":[8,12]}}""",
        "bytes [4, 8) of the data section belong to no tensor (a hole before tensor 'b').")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", "bytes [4, 12) at the end of the data section belong to no tensor.")]
    [InlineData("""{"a":{"dtype":"F32","data_offsets":[0,4]}}""", "tensor 'a': the field 'shape' is missing.")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"extra":0}}""",
        "tensor 'a': unexpected field 'extra' (an entry has exactly dtype, shape and data_offsets).")]
    [InlineData("""{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""", "tensor 'a': shape entry 0 is the number -1; dimensions are non-negative integers.")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}}""", "tensor 'a': shape entry 0 is the number 1.0; dimensions are non-negative integers.")]
    [InlineData("""{"a":{"dtype":"F32","shape":[-0],"data_offsets":[0,4]}}""", "tensor 'a': shape entry 0 is the number -0; dimensions are non-negative integers.")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1e0],"data_offsets":[0,4]}}""", "tensor 'a': shape entry 0 is the number 1e0; dimensions are non-negative integers.")]
    [InlineData("""{"a":{"dtype":"F32","shape":["1"],"data_offsets":[0,4]}}""", "tensor 'a': shape entry 0 is the string '1'; dimensions are non-negative integers.")]
    [InlineData("""{"a":{"dtype":"f32","shape":[1],"data_offsets":[0,4]}}""", "tensor 'a': unknown dtype 'f32'.")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}""", "tensor 'a': data_offsets has 3 numbers, not 2 (begin, end).")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2147483647,2147483647,2147483647],"data_offsets":[0,4]}}""",
        "tensor 'a': shape [2147483647, 2147483647, 2147483647] has more elements than fit in 2⁶³ bytes.")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2147483648],"data_offsets":[0,4]}}""", "tensor 'a': shape entry 0 is 2147483648, larger than the 2147483647 supported.")]
    [InlineData("""{"a":5}""", "tensor 'a': the entry is the number 5, not an object.")]
    [InlineData("""{"a\nb":5}""", "tensor 'a\\u000ab': the entry is the number 5, not an object.")]
    [InlineData("""{"__metadata__":{"n":1}}""", "__metadata__ entry 'n' is the number 1, not a string.")]
    [InlineData("""{"__metadata__":null}""", "__metadata__ is null, not an object of strings.")]
    [InlineData(""" {}""", "the header does not start with '{'.")]
    public void Header_problems(string header, string problem)
    {
        header = header.Replace("ENTRY_A", Entry("F32", "[1]", 0, 4));
        Assert.Equal(problem, Problem(File(header, new byte[12], pad: false)));
    }

    [Fact]
    public void Invalid_json_and_utf8()
    {
        Assert.StartsWith("the header is not valid JSON: ", Problem(File("""{"a":}""", [])));
        Assert.StartsWith("the header is not valid JSON: ", Problem(File("""{"a":{}} x""", [])));
        Assert.StartsWith("the header has an invalid string: ", Problem(File("""{"\ud800":{}}""", [])));
        byte[] file = File("""{"ab":1}""", []);
        file[10] = 0xFF;
        Assert.Equal("the header is not valid UTF-8.", Problem(file));
    }

    [Fact]
    public void Header_length_problems()
    {
        Assert.Equal("the file is 5 bytes, too short for the 8-byte header length.", Problem(new byte[5]));
        Assert.Equal("the header length is 1; the smallest header, '{}', is 2 bytes.", Problem([1, 0, 0, 0, 0, 0, 0, 0, (byte)'{']));
        Assert.Equal("the header length 3 runs past the end of the file (2 bytes follow the length).", Problem([3, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'}']));
        Assert.Equal("the header length 1099511627776 exceeds the 100000000-byte limit (not a safetensors file?).",
            Problem([0, 0, 0, 0, 0, 1, 0, 0, (byte)'{', (byte)'}']));
    }

    [Fact]
    public void File_system_problems_are_tensor_file_errors()
    {
        string missing = Path.Combine(_dir.Path, "missing.safetensors");
        var e = Assert.Throws<TensorFileException>(() => SafetensorsFile.Open(missing));
        Assert.Equal($"{missing}: file not found.", e.Message);
        string noDir = Path.Combine(_dir.Path, "no", "such.safetensors");
        Assert.Equal($"{noDir}: directory not found.", Assert.Throws<TensorFileException>(() => SafetensorsFile.Open(noDir)).Message);
        Assert.Equal($"{_dir.Path}: is a directory, not a file.",
            Assert.Throws<TensorFileException>(() => SafetensorsFile.Open(_dir.Path)).Message);
        Assert.Throws<TensorFileException>(() => SafetensorsFile.Write(noDir, []));
    }

    [Fact]
    public void Large_file_is_checked_the_same_when_memory_mapped()
    {
        string path = _dir.File(".safetensors");
        System.IO.File.WriteAllBytes(path, File($$"""{"w":{{Entry("F32", "[4,6]", 0, 96)}}}""", new byte[64]));
        var e = Assert.Throws<TensorFileException>(() => SafetensorsFile.Open(path, mapThreshold: 0));
        Assert.Equal($"{path}: tensor 'w' data offsets [0, 96) end past the data section (64 bytes).", e.Message);
    }
}
