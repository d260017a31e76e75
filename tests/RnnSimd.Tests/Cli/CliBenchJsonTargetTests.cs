using System.Runtime.InteropServices;
using System.Text.Json;
using RnnSimd.Tests.IO;
using RnnSimd.Tests.Support;

namespace RnnSimd.Tests.Cli;

/// <summary>
/// Where bench --json writes when the name is not a plain new file: a pipe or an empty file is
/// written in place (renaming over it would turn /dev/stdout or /dev/null into a regular file), a
/// symlink keeps pointing where it did and its target gets the figures.
/// </summary>
[Collection(nameof(SerialCollection))]
public partial class CliBenchJsonTargetTests
{
    [LibraryImport("libc", EntryPoint = "lseek", SetLastError = true)]
    private static partial long Seek(int descriptor, long offset, int whence);

    private static readonly string[] TinyBench = ["bench", "--seq-len", "2", "--batch", "1", "--input-size", "3", "--hidden-size", "4", "--budget", "0.02"];

    [Fact]
    public void A_fifo_gets_the_json_and_stays_a_fifo()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "mkfifo is called through Linux's libc.");
        using var dir = new TempDirectory();
        string fifo = Path.Combine(dir.Path, "bench.fifo");
        Fifo.Create(fifo);

        // A reader that opened the FIFO waits for a writer to open and close it; if the JSON were
        // renamed over the name instead, no writer would ever come.
        CliResult r = BenchIntoFifo(fifo, readerDelay: TimeSpan.Zero);
        Assert.Equal(0, new FileInfo(fifo).Length); // still a FIFO, not a regular file holding the JSON
        Assert.Single(Directory.GetFileSystemEntries(dir.Path));
    }

    /// <summary>
    /// A descriptor's name (/dev/stdout when stdout is `>> log`) is written through the descriptor
    /// at its offset: reopened, it would start at 0 over what is there; renamed over, the file
    /// would lose its contents.
    /// </summary>
    [Fact]
    public void A_descriptor_is_written_at_its_offset_and_the_file_keeps_its_contents()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "/proc/self/fd and lseek are Linux's.");
        using var dir = new TempDirectory();
        string log = Path.Combine(dir.Path, "log.txt");
        File.WriteAllText(log, "PRECIOUS\n");
        using (var held = new FileStream(log, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            int descriptor = (int)held.SafeFileHandle.DangerousGetHandle();
            Assert.Equal(9, Seek(descriptor, 0, whence: 2)); // SEEK_END, as the shell's >> leaves it
            CliResult r = Cli.Run([.. TinyBench, "--json", $"/proc/self/fd/{descriptor}"]);
            Assert.True(r.ExitCode == 0, r.ToString());
        }
        string text = File.ReadAllText(log);
        Assert.StartsWith("PRECIOUS\n{", text);
        AssertBenchJson(text["PRECIOUS\n".Length..]);
        Assert.Single(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void A_fifo_nobody_reads_yet_is_waited_for_with_a_word_on_stderr()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "mkfifo is called through Linux's libc.");
        using var dir = new TempDirectory();
        string fifo = Path.Combine(dir.Path, "late.fifo");
        Fifo.Create(fifo);
        CliResult r = BenchIntoFifo(fifo, readerDelay: TimeSpan.FromSeconds(2.5));
        Assert.StartsWith($"--json {fifo}: waiting for a reader to open it", r.Stderr);
    }

    [Fact]
    public void A_file_replaced_keeps_its_permissions_and_an_empty_name_is_refused()
    {
        using var dir = new TempDirectory();
        string json = Path.Combine(dir.Path, "figures.json");
        File.WriteAllText(json, "{}");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(json, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        CliResult r = Cli.Run([.. TinyBench, "--json", json]);
        Assert.True(r.ExitCode == 0, r.ToString());
        AssertBenchJson(File.ReadAllText(json));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(json));
        Cli.FailsWithInputError([.. TinyBench, "--json", ""], "--json: give a file name (got an empty string).");
    }

    [Fact]
    public void An_empty_file_is_written_in_place()
    {
        using var dir = new TempDirectory();
        string json = Path.Combine(dir.Path, "bench.json");
        File.WriteAllBytes(json, []);
        // Held open across the run: a file renamed over the name would leave this handle on the old, empty one.
        using var held = new FileStream(json, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        CliResult r = Cli.Run([.. TinyBench, "--json", json]);
        Assert.True(r.ExitCode == 0, r.ToString());
        AssertBenchJson(new StreamReader(held).ReadToEnd());
        Assert.Single(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void A_symlink_to_a_file_stays_a_symlink_and_its_target_gets_the_json()
    {
        using var dir = new TempDirectory();
        string target = Path.Combine(dir.Path, "figures.json");
        File.WriteAllText(target, "{\"old\": true}");
        string link = Path.Combine(dir.Path, "latest.json");
        File.CreateSymbolicLink(link, target);

        CliResult r = Cli.Run([.. TinyBench, "--json", link]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(target, new FileInfo(link).LinkTarget);
        AssertBenchJson(File.ReadAllText(target));
        Assert.Equal(2, Directory.GetFileSystemEntries(dir.Path).Length);
    }

    [Fact]
    public void A_dangling_symlink_gets_its_target_created()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(dir.Path, "store"));
        string target = Path.Combine(dir.Path, "store", "figures.json");
        string link = Path.Combine(dir.Path, "latest.json");
        File.CreateSymbolicLink(link, target);

        CliResult r = Cli.Run([.. TinyBench, "--json", link]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(target, new FileInfo(link).LinkTarget);
        AssertBenchJson(File.ReadAllText(target));
        Assert.Single(Directory.GetFileSystemEntries(Path.Combine(dir.Path, "store")));
    }

    /// <summary>Runs the tiny bench into <paramref name="fifo"/> while a reader that opens it after <paramref name="readerDelay"/> checks what it gets.</summary>
    private static CliResult BenchIntoFifo(string fifo, TimeSpan readerDelay)
    {
        string? received = null;
        var reader = new Thread(() =>
        {
            Thread.Sleep(readerDelay);
            received = File.ReadAllText(fifo);
        }) { IsBackground = true };
        reader.Start();
        CliResult r = Cli.Run([.. TinyBench, "--json", fifo]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.True(reader.Join(TimeSpan.FromSeconds(60)), "The FIFO's reader never saw the end of the JSON.");
        AssertBenchJson(received!);
        return r;
    }

    private static void AssertBenchJson(string text)
    {
        using JsonDocument document = JsonDocument.Parse(text);
        Assert.Equal("rnnsimd-bench/1", document.RootElement.GetProperty("schema").GetString());
        Assert.Single(document.RootElement.GetProperty("results").EnumerateArray());
    }
}
