namespace RnnSimd.Cli.Common;

/// <summary>
/// Session creation for a size the user chose: a sequence whose output is longer than one buffer
/// is bad input, not a bug. The library's reason names its parameters (maxSequenceLength,
/// maxBatch); the message names what the user gave instead.
/// </summary>
internal static class SessionSize
{
    /// <param name="create">Creates the session.</param>
    /// <param name="what">What the sizes came from (the x file, the bench shape).</param>
    /// <param name="steps">The user's name for the sequence length (<c>--seq-len</c>, <c>T</c>).</param>
    /// <param name="batch">The user's name for the batch (<c>--batch</c>, <c>B</c>).</param>
    public static T Create<T>(Func<T> create, string what, string steps, string batch)
    {
        try
        {
            return create();
        }
        catch (ArgumentOutOfRangeException e)
        {
            string reason = e.Message.Split(" (Parameter", 2)[0]
                .Replace("maxSequenceLength ", steps + " ", StringComparison.Ordinal)
                .Replace("maxBatch ", batch + " ", StringComparison.Ordinal);
            throw new CliException($"{what}: too large for one session: {reason}", e);
        }
    }
}
