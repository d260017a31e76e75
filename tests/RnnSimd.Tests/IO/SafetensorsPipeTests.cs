using RnnSimd.IO;
using RnnSimd.Tests.Support;

namespace RnnSimd.Tests.IO;

/// <summary>
/// A model given as a pipe (`cat model.safetensors | rnnsimd run /dev/stdin ...`) has no length to
/// map; it is read to its end instead of failing with "Stream does not support seeking".
/// </summary>
public sealed class SafetensorsPipeTests
{
    [Fact]
    public void A_fifo_is_read_to_its_end()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "mkfifo is called through Linux's libc.");
        using var dir = new TempDirectory();
        string model = Path.Combine(dir.Path, "model.safetensors");
        SafetensorsFile.Write(model, [new SafetensorsTensor("w", [2, 3], [1, 2, 3, 4, 5, 6])]);
        string fifo = Path.Combine(dir.Path, "model.fifo");
        Fifo.Create(fifo);

        // Opening a FIFO for writing blocks until a reader opens it, so the writer runs beside.
        byte[] bytes = File.ReadAllBytes(model);
        var writer = new Thread(() => File.WriteAllBytes(fifo, bytes)) { IsBackground = true };
        writer.Start();
        using SafetensorsFile file = SafetensorsFile.Open(fifo);
        Assert.True(writer.Join(TimeSpan.FromSeconds(60)), "The writer did not finish.");
        Assert.Equal(fifo, file.FileName);
        Assert.Equal([1f, 2, 3, 4, 5, 6], file.ReadFloat32("w"));
    }
}
