namespace RnnSimd.IO;

/// <summary>
/// Thrown for any malformed, unsupported or mismatched tensor file, and for a file that cannot be
/// opened or read, so that a caller catches one type. The message is one line naming the file and
/// the problem, such as
/// <c>model.safetensors: tensor 'weight_hh_l0' data offsets [0, 96) end past the data section (64 bytes).</c>
/// </summary>
public sealed class TensorFileException : Exception
{
    /// <summary>A file and what is wrong with it.</summary>
    /// <param name="fileName">The file as the caller named it (a path or just a name).</param>
    /// <param name="problem">One sentence; line breaks are replaced by spaces.</param>
    public TensorFileException(string fileName, string problem)
        : this(fileName, problem, null)
    {
    }

    /// <summary>A file, what is wrong with it, and the exception that revealed it.</summary>
    /// <param name="fileName">The file as the caller named it (a path or just a name).</param>
    /// <param name="problem">One sentence; line breaks are replaced by spaces.</param>
    /// <param name="innerException">The exception that revealed the problem (an I/O error, say).</param>
    public TensorFileException(string fileName, string problem, Exception? innerException)
        : base($"{Shown(fileName ?? throw new ArgumentNullException(nameof(fileName)))}: {OneLine(problem ?? throw new ArgumentNullException(nameof(problem)))}", innerException)
    {
        FileName = fileName;
        Problem = OneLine(problem);
    }

    /// <summary>The file as the caller named it.</summary>
    public string FileName { get; }

    /// <summary>What is wrong, without the file name.</summary>
    public string Problem { get; }

    /// <summary>The name as given, or "(empty file name)" for an empty string, which would leave the message starting with a colon.</summary>
    private static string Shown(string fileName) => fileName.Length == 0 ? "(empty file name)" : OneLine(fileName);

    private static string OneLine(string text) =>
        text.Contains('\n') || text.Contains('\r') ? text.ReplaceLineEndings(" ") : text;
}
