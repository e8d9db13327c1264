namespace Nfv.Lab;

/// <summary>Signals to exactly one process by its id, for the verbs that start an nfv of their own (<c>nfv test</c>).</summary>
public static class ProcessSignals
{
    /// <summary>SIGINT, as Ctrl-C: an nfv stops cleanly and removes its lab. False when there is no such process.</summary>
    public static bool Interrupt(int pid) => Interop.Kill(pid, Interop.SIGINT) == 0;
}
