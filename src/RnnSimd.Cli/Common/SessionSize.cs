namespace RnnSimd.Cli.Common;

/// <summary>
/// Session creation for a size the user chose: a sequence too long for one session's buffers (the
/// projection of every step is kept, padded to whole SIMD panels per gate) is bad input, not a bug.
/// </summary>
internal static class SessionSize
{
    public static T Create<T>(Func<T> create, string what)
    {
        try
        {
            return create();
        }
        catch (ArgumentOutOfRangeException e)
        {
            string reason = e.Message.Split(" (Parameter", 2)[0];
            throw new CliException($"{what}: too large for one session: {reason}", e);
        }
    }
}
