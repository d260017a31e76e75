namespace RnnSimd.Cli.Common;

/// <summary>
/// A problem the user can fix in their files or options (exit code 1). The message is one line
/// naming the file, key or option and what is wrong.
/// </summary>
internal sealed class CliException : Exception
{
    public CliException(string message)
        : base(message.ReplaceLineEndings(" "))
    {
    }

    public CliException(string message, Exception innerException)
        : base(message.ReplaceLineEndings(" "), innerException)
    {
    }
}
