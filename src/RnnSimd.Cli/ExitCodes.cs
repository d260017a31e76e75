namespace RnnSimd.Cli;

/// <summary>The exit codes of the rnnsimd command (docs/cli.md).</summary>
public static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>
    /// A problem found in the files or in how the options fit them: a missing, malformed or
    /// mismatched file, an input the model does not take, a shape that does not fit, an option the
    /// model does not have. One line on stderr names the file, key or option and the problem.
    /// </summary>
    public const int InputError = 1;

    /// <summary>The command line itself is wrong (unknown or missing option, malformed value): the error and the usage on stderr.</summary>
    public const int UsageError = 2;

    /// <summary>A bug: an exception nobody expected. One line "internal error: ..." on stderr.</summary>
    public const int InternalError = 3;
}
