namespace RnnSimd.Cli.Bench;

/// <summary>
/// The benchmark's progress on stderr. On a terminal one status line is redrawn in place and
/// cleared at the end; otherwise (a file, a pipe, a test) each shape gets one plain line.
/// </summary>
internal sealed class Progress(TextWriter error, bool interactive)
{
    private int _width;

    /// <summary>A new stage (one shape).</summary>
    public void Begin(string text)
    {
        if (interactive)
            Update(text);
        else
            error.WriteLine(text);
    }

    /// <summary>A status within the stage; shown on a terminal only.</summary>
    public void Update(string text)
    {
        if (!interactive)
            return;
        error.Write('\r' + text.PadRight(_width));
        _width = text.Length;
        error.Flush();
    }

    /// <summary>Clears the status line.</summary>
    public void Done()
    {
        if (!interactive)
            return;
        error.Write('\r' + new string(' ', _width) + '\r');
        error.Flush();
        _width = 0;
    }
}
