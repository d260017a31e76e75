namespace RnnSimd.Cli.Run;

/// <summary>One <c>--input NAME=FILE.npy</c>: an input of the model and the npy file that holds it.</summary>
/// <param name="Name">The input's name (x, h0, c0).</param>
/// <param name="File">The npy file, as the user wrote it.</param>
internal sealed record InputBinding(string Name, string File)
{
    /// <summary>How the option was written, for messages.</summary>
    public override string ToString() => $"--input {Name}={File}";

    /// <summary>Splits NAME=FILE at the first '='; null when either side is empty or there is no '='.</summary>
    public static InputBinding? TryParse(string token)
    {
        int eq = token.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0 || eq == token.Length - 1)
            return null;
        return new InputBinding(token[..eq], token[(eq + 1)..]);
    }
}
