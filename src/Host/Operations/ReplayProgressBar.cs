using Spectre.Console;

namespace Bank.Host.Operations;

internal static class ReplayProgressBar
{
    /// <summary>
    /// Runs <paramref name="replay"/> under a progress bar: drawn in place on a terminal, a line at each
    /// milestone when the output goes to a file or a pipe.
    /// </summary>
    public static Task<long> RunAsync(string label, Func<IProgress<(long Position, long Last)>, Task<long>> replay) =>
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(label.EscapeMarkup());
                var handled = await replay(new ReplayProgress(task));
                task.Value = task.MaxValue;
                return handled;
            });

    private sealed class ReplayProgress(ProgressTask task) : IProgress<(long Position, long Last)>
    {
        public void Report((long Position, long Last) value)
        {
            task.MaxValue = Math.Max(1, value.Last);
            task.Value = value.Position;
        }
    }
}
