using System.Runtime.ExceptionServices;

namespace RnnSimd.Tests.IO;

/// <summary>Runs a check on another thread and fails if it takes longer than the bound (a reader that loops or crawls on a bad file).</summary>
public static class TimeBound
{
    public static readonly TimeSpan PerCase = TimeSpan.FromSeconds(10);

    public static void Run(Action check, Func<string> describe)
    {
        Task task = Task.Run(check);
        try
        {
            if (!task.Wait(PerCase))
                throw new Xunit.Sdk.XunitException($"not done after {PerCase.TotalSeconds} s: {describe()}");
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }
    }
}
