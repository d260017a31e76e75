using System.Buffers.Binary;
using System.Text;

namespace RnnSimd.Benchmarks.Peers;

/// <summary>
/// Makes TorchSharp's native glue library loadable on a libstdc++ older than the one it was built with.
/// </summary>
/// <remarks>
/// TorchSharp 0.107's libLibTorchSharp.so was linked by GCC 13, which records the symbol version
/// GLIBCXX_3.4.32 for std::ios_base_library_init() only; the library never calls it. Debian 12's
/// libstdc++ stops at GLIBCXX_3.4.30, so the dynamic loader refuses the whole library. Setting
/// VER_FLG_WEAK on that one requirement (its Vernaux entry in .gnu.version_r) turns the refusal into
/// nothing at all: glibc skips weak version requirements it cannot satisfy. A libstdc++ that has the
/// version satisfies it as before, so newer systems see no difference.
///
/// It runs at benchmark start-up, in the process that will load the library, because
/// BenchmarkDotNet's default toolchain builds its own copy of this project for each run and copies
/// the package's native files into that build's output straight from the NuGet cache: a patch
/// after this project's build would not reach the copy the benchmark process loads. Only copies
/// under the application's own directory are rewritten, never the NuGet cache, and the new bytes
/// replace the file by rename, so a hard link into the cache would be broken rather than written through.
/// </remarks>
public static class LibTorchSharpPatch
{
    public const string LibraryFile = "libLibTorchSharp.so";
    public const string NeededFile = "libstdc++.so.6";
    public const string WeakVersion = "GLIBCXX_3.4.32";

    /// <summary>ELF section type of .gnu.version_r (SHT_GNU_verneed).</summary>
    private const uint ShtGnuVerneed = 0x6ffffffe;

    /// <summary>Vernaux.vna_flags bit: a missing version is not an error (VER_FLG_WEAK).</summary>
    private const ushort VerFlgWeak = 0x2;

    /// <summary>
    /// Patches every copy of the library the runtime may load for this process. Call before the
    /// first TorchSharp call; it does nothing on other platforms.
    /// </summary>
    /// <returns>What was done, for the log.</returns>
    public static string EnsureLoadable()
    {
        if (!OperatingSystem.IsLinux())
            return "not Linux: nothing to patch";

        string appDirectory = Path.GetFullPath(AppContext.BaseDirectory);
        var report = new StringBuilder();
        int found = 0;
        foreach (string path in Candidates(appDirectory))
        {
            found++;
            if (!IsUnder(path, appDirectory))
            {
                // Outside the build output (a package cache, say): not ours to rewrite.
                report.Append($"left alone (outside {appDirectory}): {path}; ");
                continue;
            }
            bool changed = MarkWeak(path, NeededFile, WeakVersion);
            report.Append(changed ? $"patched: {path}; " : $"already loadable: {path}; ");
        }
        if (found == 0)
            report.Append($"{LibraryFile} not found under the native search directories");
        return report.ToString().TrimEnd(' ', ';');
    }

    /// <summary>
    /// Sets VER_FLG_WEAK on the requirement <paramref name="version"/> of <paramref name="neededFile"/>
    /// in the ELF64 little-endian shared object at <paramref name="path"/>.
    /// </summary>
    /// <returns>True if the file was rewritten, false if the flag was already set or nothing asks for that version.</returns>
    public static bool MarkWeak(string path, string neededFile, string version)
    {
        byte[] elf = File.ReadAllBytes(path);
        if (!MarkWeak(elf, neededFile, version))
            return false;

        // Write beside, then rename over: the old inode (possibly shared with the NuGet cache through
        // a hard link) stays untouched, and a concurrent reader sees the old or the new file, never half.
        string temporary = path + $".patch-{Environment.ProcessId}.tmp";
        File.WriteAllBytes(temporary, elf);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(temporary, File.GetUnixFileMode(path));
        File.Move(temporary, path, overwrite: true);
        return true;
    }

    /// <summary>The in-memory edit of <see cref="MarkWeak(string, string, string)"/>.</summary>
    public static bool MarkWeak(Span<byte> elf, string neededFile, string version)
    {
        // ELF header: magic, ELFCLASS64 (2), ELFDATA2LSB (1).
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F'
            || elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException("Not a 64-bit little-endian ELF file.");

        ulong sectionHeaders = U64(elf, 0x28); // e_shoff
        int headerSize = U16(elf, 0x3a);      // e_shentsize
        int sectionCount = U16(elf, 0x3c);    // e_shnum

        bool changed = false;
        for (int i = 0; i < sectionCount; i++)
        {
            int header = checked((int)sectionHeaders + i * headerSize);
            if (U32(elf, header + 4) != ShtGnuVerneed) // sh_type
                continue;
            int offset = checked((int)U64(elf, header + 24));   // sh_offset
            int linkedStrings = (int)U32(elf, header + 40);     // sh_link: the string table (.dynstr)
            int entries = (int)U32(elf, header + 44);           // sh_info: number of Verneed entries
            int strings = checked((int)U64(elf, checked((int)sectionHeaders + linkedStrings * headerSize) + 24));

            // Verneed: vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32.
            int need = offset;
            for (int n = 0; n < entries; n++)
            {
                int auxCount = U16(elf, need + 2);
                string file = CString(elf, strings + (int)U32(elf, need + 4));
                // Vernaux: vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32.
                int aux = need + (int)U32(elf, need + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    string name = CString(elf, strings + (int)U32(elf, aux + 8));
                    ushort flags = U16(elf, aux + 4);
                    if (file == neededFile && name == version && (flags & VerFlgWeak) == 0)
                    {
                        BinaryPrimitives.WriteUInt16LittleEndian(elf[(aux + 4)..], (ushort)(flags | VerFlgWeak));
                        changed = true;
                    }
                    aux += (int)U32(elf, aux + 12);
                }
                need += (int)U32(elf, need + 12);
            }
        }
        return changed;
    }

    /// <summary>
    /// Where the runtime looks for native libraries of this app (the host's probe list, the
    /// application directory included), and the copy of the library in each.
    /// </summary>
    private static IEnumerable<string> Candidates(string appDirectory)
    {
        var directories = new List<string> { appDirectory, Path.Combine(appDirectory, "runtimes", "linux-x64", "native") };
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string probe)
            directories.AddRange(probe.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        return directories
            .Select(d => Path.GetFullPath(Path.Combine(d, LibraryFile)))
            .Distinct(StringComparer.Ordinal)
            .Where(File.Exists);
    }

    private static bool IsUnder(string path, string directory) =>
        path.StartsWith(Path.TrimEndingDirectorySeparator(directory) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static ushort U16(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt16LittleEndian(b[at..]);

    private static uint U32(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b[at..]);

    private static ulong U64(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt64LittleEndian(b[at..]);

    private static string CString(ReadOnlySpan<byte> b, int at)
    {
        int length = b[at..].IndexOf((byte)0);
        return Encoding.ASCII.GetString(b.Slice(at, length));
    }
}
