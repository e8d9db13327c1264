using System.Diagnostics;
using Nfv.Lab;

namespace Nfv.Host.Commands;

/// <summary>
/// Shows how far bring-up and removal of a lab have gone, on standard error. On a terminal, one line that updates
/// itself (<c>nfv: namespaces 1000/1000, hosts 412/1000</c>), at most ten times a second, erased when the work is done;
/// in a log or a pipe, where such a line would be noise, one line per phase when it ends, with its duration
/// (<c>nfv: hosts 1000 in 5.2 s</c>).
/// </summary>
internal sealed class ProgressLine(TextWriter output, bool terminal) : IProgress<LabStep>
{
    private static readonly long Interval = Stopwatch.Frequency / 10;
    private readonly Lock _lock = new();
    private readonly List<(string Phase, int Done, int Total, long Started)> _phases = [];
    private long _lastDrawn;
    private bool _drawn;

    /// <summary>For nfv's standard error: a terminal unless it is redirected.</summary>
    public static ProgressLine ForStandardError() => new(Console.Error, terminal: !Console.IsErrorRedirected);

    public void Report(LabStep step)
    {
        lock (_lock)
        {
            int index = _phases.FindIndex(p => p.Phase == step.Phase);
            long now = Stopwatch.GetTimestamp();
            if (index < 0)
            {
                _phases.Add((step.Phase, 0, step.Total, now));
                index = _phases.Count - 1;
            }
            var phase = _phases[index];
            if (step.Done <= phase.Done)
            {
                return; // reported out of order by parallel work: the larger count is already shown
            }
            _phases[index] = phase with { Done = step.Done };
            bool over = step.Done >= step.Total;
            if (!terminal)
            {
                if (over)
                {
                    output.WriteLine($"nfv: {step.Phase} {step.Total} in {Stopwatch.GetElapsedTime(phase.Started).TotalSeconds:F1} s");
                }
                return;
            }
            if (over || now - _lastDrawn >= Interval)
            {
                _lastDrawn = now;
                _drawn = true;
                output.Write($"\r\u001b[Knfv: {string.Join(", ", _phases.Select(p => $"{p.Phase} {p.Done}/{p.Total}"))}");
                output.Flush();
            }
        }
    }

    /// <summary>The work is done: erases the line on a terminal, and forgets the phases for the next work (removal).</summary>
    public void Finish()
    {
        lock (_lock)
        {
            if (_drawn)
            {
                output.Write("\r\u001b[K");
                output.Flush();
            }
            _drawn = false;
            _phases.Clear();
        }
    }
}
