namespace RnnSimd.Cli.Common;

/// <summary>Which out-of-memory errors are the machine's limit (the input's doing) rather than a bug.</summary>
internal static class MemoryErrors
{
    /// <summary>
    /// True for sizes that passed every check but exceed this machine's memory. .NET reports an
    /// array past Array.MaxLength as out of memory too: that is a missed size check, a bug.
    /// </summary>
    public static bool IsMachineLimit(OutOfMemoryException e) =>
        !e.Message.Contains("Array dimensions exceeded supported range", StringComparison.Ordinal);
}
