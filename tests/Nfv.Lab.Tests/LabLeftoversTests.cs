namespace Nfv.Lab.Tests;

/// <summary>
/// The note a running nfv keeps of the namespaces it made, read by the next run after a crash. Without root: the notes
/// name namespaces that do not exist, so nothing is removed but the note.
/// </summary>
public sealed class LabLeftoversTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nfv-leftovers-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Note => Path.Combine(_directory, "topo", "lab-namespaces");

    [Fact]
    public void The_note_names_this_process_and_its_namespaces_and_a_clean_stop_removes_it()
    {
        string state = Path.Combine(_directory, "topo");
        LabLeftovers.Record(state, ["nl-a", "nl-b"]);

        Assert.Equal([LabLeftovers.OwnerMark, "nl-a", "nl-b"], File.ReadAllLines(Note));
        Assert.StartsWith($"{Environment.ProcessId} ", LabLeftovers.OwnerMark, StringComparison.Ordinal);

        LabLeftovers.Forget(state);
        Assert.False(File.Exists(Note));
    }

    [Fact]
    public void A_stop_after_the_state_folder_was_removed_by_hand_does_not_fail()
    {
        string state = Path.Combine(_directory, "topo");
        LabLeftovers.Record(state, ["nl-a"]);
        Directory.Delete(state, recursive: true);

        LabLeftovers.Forget(state); // once threw, and nfv ended its stop with an unhandled exception
    }

    [Fact]
    public void A_note_of_a_running_nfv_is_left_alone_and_one_of_a_gone_process_is_cleaned_away()
    {
        string state = Path.Combine(_directory, "topo");
        LabLeftovers.Record(state, ["nl-a"]);

        Assert.Equal(([], Environment.ProcessId), Clean(state)); // this process runs: its namespaces are its own
        Assert.True(File.Exists(Note));

        // A process that is gone: a start time no process has.
        File.WriteAllLines(Note, [$"{Environment.ProcessId} 1", "nl-a"]);
        Assert.Equal(([], Environment.ProcessId), Clean(state));
        Assert.False(File.Exists(Note));
    }

    [Fact]
    public void No_note_or_one_nfv_did_not_write_is_nothing_to_clean()
    {
        string state = Path.Combine(_directory, "topo");
        Assert.Equal(([], 0), Clean(state));

        Directory.CreateDirectory(state);
        File.WriteAllText(Note, "not a note\n");
        Assert.Equal(([], 0), Clean(state));
        Assert.False(File.Exists(Note));
    }

    private static (string[] Removed, int Pid) Clean(string state)
    {
        var (removed, pid) = LabLeftovers.Clean(state);
        return ([.. removed], pid);
    }
}
